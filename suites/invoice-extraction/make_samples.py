#!/usr/bin/env python3
"""Writes samples.jsonl: 100 invoices as text with their expected fields.

Deterministic (a fixed seed, no clock): running it again gives the same bytes, so the file in
git can always be checked against this script:  python3 make_samples.py && git diff --exit-code
Amounts are computed in integer cents, so every total is exact.
"""
import json
import random
from pathlib import Path

SEED = 20261130

VENDORS = [
    ("Northwind Office Supply", "118 Harbor Way, Portland, OR 97209", "USD"),
    ("Brightline Cleaning Co.", "4 Mill Lane, Leeds LS1 4AP", "GBP"),
    ("Kessler Werkzeug GmbH", "Industriestr. 12, 70565 Stuttgart", "EUR"),
    ("Atlas Courier Services", "900 Commerce Blvd, Dallas, TX 75201", "USD"),
    ("Maison Dupont Traiteur", "27 rue des Lilas, 69003 Lyon", "EUR"),
    ("Greenleaf Landscaping LLC", "55 Orchard Rd, Madison, WI 53703", "USD"),
    ("Pixelforge Design Studio", "Unit 3, 19 Canal St, Manchester M1 3HE", "GBP"),
    ("Copperline Electrical", "310 Ridge Ave, Denver, CO 80205", "USD"),
    ("Studio Verde Arquitectura", "Calle Mayor 41, 28013 Madrid", "EUR"),
    ("Harbourside Print & Copy", "2 Quay St, Bristol BS1 4DJ", "GBP"),
    ("Summit IT Consulting", "77 Pine St, Seattle, WA 98101", "USD"),
    ("Bäckerei Sonnenschein", "Hauptstr. 8, 80331 München", "EUR"),
    ("Bluewater Plumbing", "1420 Ocean Dr, San Diego, CA 92101", "USD"),
    ("Oakridge Catering Ltd", "88 High St, Oxford OX1 4BG", "GBP"),
    ("Nordic Freight AB", "Hamngatan 5, 111 47 Stockholm", "EUR"),
    ("Redwood Security Systems", "600 Valley Rd, Sacramento, CA 95814", "USD"),
]

ITEMS = [
    ("Printer paper A4, box of 5 reams", 2450, 8900),
    ("Toner cartridge, black", 5999, 12900),
    ("Office cleaning, weekly visit", 8500, 18000),
    ("Window cleaning, ground floor", 4000, 9500),
    ("Torque wrench 40-200 Nm", 12990, 18990),
    ("Drill bit set, HSS 19 pcs", 2390, 4590),
    ("Same-day delivery, city", 1850, 3500),
    ("Pallet shipment, regional", 14500, 26000),
    ("Buffet lunch per person", 1450, 2800),
    ("Coffee and pastries per person", 650, 1200),
    ("Lawn mowing and edging", 6000, 9500),
    ("Hedge trimming, per hour", 3500, 5500),
    ("Logo design, two rounds of changes", 45000, 90000),
    ("Web banner set", 12000, 25000),
    ("Electrical inspection", 15000, 24000),
    ("Replace circuit breaker", 9500, 17500),
    ("Architectural drawings, per sheet", 18000, 32000),
    ("Site visit", 9000, 15000),
    ("Business cards, 500", 3900, 7500),
    ("Poster printing A2", 1200, 2500),
    ("IT support, per hour", 9500, 15000),
    ("Laptop setup and imaging", 7500, 12500),
    ("Sourdough loaves", 450, 700),
    ("Birthday cake, 12 portions", 3200, 5500),
    ("Leak repair, kitchen", 12500, 22000),
    ("Water heater service", 16000, 26000),
    ("Canapes per dozen", 1800, 3000),
    ("Container handling fee", 8000, 15000),
    ("CCTV camera installation", 22000, 38000),
    ("Alarm monitoring, monthly", 2999, 5999),
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
SYMBOL = {"USD": "$", "GBP": "£", "EUR": "€"}


def money(cents, currency, style):
    whole, frac = divmod(cents, 100)
    if style == 0:
        return f"{SYMBOL[currency]}{whole:,}.{frac:02d}"
    if style == 1:
        return f"{whole:,}.{frac:02d} {currency}"
    # European style: 1.234,50 EUR
    return f"{whole:,}".replace(",", ".") + f",{frac:02d} {currency}"


def date_text(year, month, day, style):
    if style == 0:
        return f"{year}-{month:02d}-{day:02d}"
    if style == 1:
        return f"{MONTHS[month - 1]} {day}, {year}"
    if style == 2:
        return f"{day} {MONTHS[month - 1]} {year}"
    return f"{day:02d}.{month:02d}.{year}"


def invoice(rng, n):
    name, address, currency = VENDORS[rng.randrange(len(VENDORS))]
    year, month, day = 2026, rng.randint(1, 11), rng.randint(1, 28)
    number = f"INV-{rng.randint(1000, 9999)}-{n:03d}"
    style = 2 if currency == "EUR" and rng.random() < 0.5 else rng.randint(0, 1)
    picks = rng.sample(ITEMS, rng.randint(1, 6))
    lines, subtotal = [], 0
    for description, low, high in picks:
        quantity = rng.choice([1, 1, 1, 2, 3, 4, 5, 10, 12])
        unit = rng.randint(low, high)
        amount = quantity * unit
        subtotal += amount
        lines.append({"description": description, "quantity": quantity,
                      "unit_price": unit / 100, "amount": amount / 100})
    tax_rate = {"USD": rng.choice([0, 0, 6, 7.25, 8.5]), "GBP": 20, "EUR": rng.choice([19, 20, 21])}[currency]
    tax = round(subtotal * tax_rate / 100)
    discount = rng.choice([0, 0, 0, 500, 1000]) if subtotal > 5000 else 0
    total = subtotal + tax - discount

    text = [name, address, ""]
    text.append(f"INVOICE {number}" if rng.random() < 0.5 else f"Invoice no.: {number}")
    text.append(("Date: " if rng.random() < 0.6 else "Issued ") + date_text(year, month, day, rng.randint(0, 3)))
    due = min(28, day + 14)
    text.append(f"Due: {date_text(year, month, due, 0)}")
    text.append(f"Bill to: {rng.choice(['Tillbright Ltd', 'Ferris & Hale LLP', 'Cafe Mondo', 'Acorn School'])}")
    text.append("")
    text.append("Qty  Description                              Unit price      Amount")
    for line in lines:
        unit_cents = round(line["unit_price"] * 100)
        amount_cents = round(line["amount"] * 100)
        text.append(f"{line['quantity']:>3}  {line['description']:<40} "
                    f"{money(unit_cents, currency, style):>12} {money(amount_cents, currency, style):>12}")
    text.append("")
    text.append(f"Subtotal: {money(subtotal, currency, style)}")
    if discount:
        text.append(f"Discount: -{money(discount, currency, style)}")
    text.append(f"Tax ({tax_rate}%): {money(tax, currency, style)}")
    text.append(f"TOTAL DUE: {money(total, currency, style)}")
    if rng.random() < 0.3:
        text.append(f"Previous balance {money(rng.randint(1000, 90000), currency, style)} paid, thank you.")

    expected = {"vendor": {"name": name}, "invoice_number": number,
                "invoice_date": f"{year}-{month:02d}-{day:02d}", "currency": currency,
                "line_items": lines, "total": total / 100}
    return {"id": f"inv-{n:03d}", "text": "\n".join(text), "expected": expected,
            "expected_vendor": name, "expected_number": number,
            "expected_date": expected["invoice_date"], "expected_currency": currency,
            "expected_line_items": lines, "expected_total": total / 100}


def main():
    rng = random.Random(SEED)
    rows = [invoice(rng, n) for n in range(1, 101)]
    out = Path(__file__).with_name("samples.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()

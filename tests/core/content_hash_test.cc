#include "harness/core/formats/content_hash.h"

#include <doctest/doctest.h>

namespace taskcost::content_hash_test {

TEST_CASE("content_hash: sha256 of the concatenated parts, prefixed") {
  // FIPS 180-2 test vector: SHA-256("abc").
  const std::string abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  CHECK(ContentHash({"abc"}) == abc);
  SUBCASE("the split between parts does not matter, only the bytes in order") {
    CHECK(ContentHash({"a", "", "bc"}) == abc);
    CHECK(ContentHash({"bc", "a"}) != abc);
  }
  SUBCASE("no parts is the hash of no bytes") {
    CHECK(ContentHash({}) ==
          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

}  // namespace taskcost::content_hash_test

// Placeholder entry point; the verb table lands with the CLI.
#include <cstdio>
int main() {
  std::puts("taskcost: under construction");
  return 0;
}

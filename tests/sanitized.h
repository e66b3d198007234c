// Whether this test binary is built with a sanitizer (scripts/sanitize, TASKCOST_SANITIZE). A
// test that bounds how long something takes drops the bound there: it would time the sanitizer.
#pragma once

namespace taskcost {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

}  // namespace taskcost

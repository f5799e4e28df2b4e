#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "state/sync_lock.h"
#include "tests/support/test_env.h"

using namespace backflow::state;

TEST_CASE("one run per sync: the lock excludes other holders and says who holds it", "[state]") {
  auto dir = backflow::test::make_temp_dir("locks");
  std::string holder;
  auto lock = SyncLock::try_acquire(dir, "contacts", &holder);
  REQUIRE(lock);
  lock->describe("pid 4242, run run-00000007");

  CHECK_FALSE(SyncLock::try_acquire(dir, "contacts", &holder));
  CHECK(holder == "pid 4242, run run-00000007");
  CHECK(SyncLock::try_acquire(dir, "accounts"));  // other syncs are independent

  // Another process is refused too.
  pid_t child = ::fork();
  if (child == 0) ::_exit(SyncLock::try_acquire(dir, "contacts") ? 1 : 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WEXITSTATUS(status) == 0);

  lock.reset();
  CHECK(SyncLock::try_acquire(dir, "contacts"));
}

TEST_CASE("a lock held by a killed process is free again", "[state]") {
  auto dir = backflow::test::make_temp_dir("locks-kill");
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = SyncLock::try_acquire(dir, "contacts");
    (void)!::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  CHECK_FALSE(SyncLock::try_acquire(dir, "contacts"));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(SyncLock::try_acquire(dir, "contacts"));
}

TEST_CASE("lock file names are safe and distinct for similar sync names", "[state]") {
  CHECK(lock_file_name("a/b") != lock_file_name("a_b"));
  CHECK(lock_file_name("../etc").find('/') == std::string::npos);
}

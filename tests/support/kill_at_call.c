/* A fault injector for tests, loaded with LD_PRELOAD into one `ctp` process: it kills that
 * process with SIGKILL at the Nth call of a family of libc functions whose path matches a
 * pattern, as a power cut or `kill -9` would at that moment. Built only for the tests; ctp has no
 * hook for it. The environment says where:
 *
 *   CTP_KILL_AT_CALL   rename (rename, renameat, renameat2: either path), fsync (fsync,
 *                      fdatasync), or write (write, writev, pwrite, pwrite64): the file the
 *                      descriptor is open on
 *   CTP_KILL_AT_PATH   fnmatch(3) pattern without flags ('*' also matches '/')
 *   CTP_KILL_AT_NTH    the matching call to die at, from 1; 0 = never (count only)
 *   CTP_KILL_AT_WHEN   before (default: the call does not happen) or after (it has happened)
 *   CTP_KILL_AT_COUNT_FILE  at a normal exit, the number of matching calls is written there
 *
 * Children do not inherit the injector: it removes LD_PRELOAD from the environment when loaded.
 * SQLite's unix VFS calls pwrite64 and fdatasync through libc, so its journal and WAL writes are
 * seen too. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum Family { kNone, kRename, kFsync, kWrite };

static enum Family family = kNone;
static char pattern[PATH_MAX];
static long nth = 1;
static int after = 0;
static char count_file[PATH_MAX];
static long matched = 0; /* matching calls so far (atomic) */

static ssize_t (*real_write)(int, const void*, size_t);

static void* Next(const char* name) { return dlsym(RTLD_NEXT, name); }

__attribute__((constructor)) static void Setup(void) {
  const char* call = getenv("CTP_KILL_AT_CALL");
  if (call && strcmp(call, "rename") == 0) family = kRename;
  if (call && strcmp(call, "fsync") == 0) family = kFsync;
  if (call && strcmp(call, "write") == 0) family = kWrite;
  const char* path = getenv("CTP_KILL_AT_PATH");
  snprintf(pattern, sizeof pattern, "%s", path ? path : "*");
  const char* n = getenv("CTP_KILL_AT_NTH");
  if (n) nth = strtol(n, NULL, 10);
  const char* when = getenv("CTP_KILL_AT_WHEN");
  after = when && strcmp(when, "after") == 0;
  const char* count = getenv("CTP_KILL_AT_COUNT_FILE");
  snprintf(count_file, sizeof count_file, "%s", count ? count : "");
  real_write = (ssize_t(*)(int, const void*, size_t))Next("write");
  unsetenv("LD_PRELOAD");
}

__attribute__((destructor)) static void WriteCount(void) {
  if (!count_file[0]) return;
  const int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  char text[32];
  const int length =
      snprintf(text, sizeof text, "%ld\n", __atomic_load_n(&matched, __ATOMIC_SEQ_CST));
  const ssize_t written = real_write(fd, text, (size_t)length);
  (void)written; /* a short count file makes the test fail with a clear message */
  close(fd);
}

/* Whether this call is the one to die at; counts every matching call. */
static int IsTarget(const char* path) {
  if (!path || fnmatch(pattern, path, 0) != 0) return 0;
  const long call = __atomic_add_fetch(&matched, 1, __ATOMIC_SEQ_CST);
  return nth > 0 && call == nth;
}

/* The absolute path of `name` relative to `dir` (a descriptor or AT_FDCWD), in `out`. */
static const char* PathAt(int dir, const char* name, char* out, size_t size) {
  if (!name) return NULL;
  if (name[0] == '/') return name;
  char base[PATH_MAX];
  if (dir == AT_FDCWD) {
    if (!getcwd(base, sizeof base)) return name;
  } else {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", dir);
    const ssize_t length = readlink(link, base, sizeof base - 1);
    if (length < 0) return name;
    base[length] = '\0';
  }
  snprintf(out, size, "%s/%s", base, name);
  return out;
}

/* The file descriptor `fd` is open on. */
static const char* PathOf(int fd, char* out, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t length = readlink(link, out, size - 1);
  if (length < 0) return NULL;
  out[length] = '\0';
  return out;
}

static void Die(void) { kill(getpid(), SIGKILL); }

static int IsRenameTarget(int old_dir, const char* old_path, int new_dir, const char* new_path) {
  if (family != kRename) return 0;
  char from[2 * PATH_MAX], to[2 * PATH_MAX];
  const char* a = PathAt(old_dir, old_path, from, sizeof from);
  const char* b = PathAt(new_dir, new_path, to, sizeof to);
  /* One count per call: the call matches when either path does. */
  if (a && fnmatch(pattern, a, 0) == 0) return IsTarget(a);
  return IsTarget(b);
}

static int IsFdTarget(enum Family wanted, int fd) {
  if (family != wanted) return 0;
  char path[PATH_MAX];
  return IsTarget(PathOf(fd, path, sizeof path));
}

#define AROUND(target, type, call) \
  do {                             \
    const int die = (target);      \
    if (die && !after) Die();      \
    const type result = (call);    \
    if (die) Die();                \
    return result;                 \
  } while (0)

int rename(const char* old_path, const char* new_path) {
  static int (*next)(const char*, const char*);
  if (!next) next = (int (*)(const char*, const char*))Next("rename");
  AROUND(IsRenameTarget(AT_FDCWD, old_path, AT_FDCWD, new_path), int, next(old_path, new_path));
}

int renameat(int old_dir, const char* old_path, int new_dir, const char* new_path) {
  static int (*next)(int, const char*, int, const char*);
  if (!next) next = (int (*)(int, const char*, int, const char*))Next("renameat");
  AROUND(IsRenameTarget(old_dir, old_path, new_dir, new_path), int,
         next(old_dir, old_path, new_dir, new_path));
}

int renameat2(int old_dir, const char* old_path, int new_dir, const char* new_path,
              unsigned int flags) {
  static int (*next)(int, const char*, int, const char*, unsigned int);
  if (!next) next = (int (*)(int, const char*, int, const char*, unsigned int))Next("renameat2");
  AROUND(IsRenameTarget(old_dir, old_path, new_dir, new_path), int,
         next(old_dir, old_path, new_dir, new_path, flags));
}

int fsync(int fd) {
  static int (*next)(int);
  if (!next) next = (int (*)(int))Next("fsync");
  AROUND(IsFdTarget(kFsync, fd), int, next(fd));
}

int fdatasync(int fd) {
  static int (*next)(int);
  if (!next) next = (int (*)(int))Next("fdatasync");
  AROUND(IsFdTarget(kFsync, fd), int, next(fd));
}

ssize_t write(int fd, const void* data, size_t size) {
  if (!real_write) real_write = (ssize_t(*)(int, const void*, size_t))Next("write");
  AROUND(IsFdTarget(kWrite, fd), ssize_t, real_write(fd, data, size));
}

ssize_t writev(int fd, const struct iovec* parts, int count) {
  static ssize_t (*next)(int, const struct iovec*, int);
  if (!next) next = (ssize_t(*)(int, const struct iovec*, int))Next("writev");
  AROUND(IsFdTarget(kWrite, fd), ssize_t, next(fd, parts, count));
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
  static ssize_t (*next)(int, const void*, size_t, off_t);
  if (!next) next = (ssize_t(*)(int, const void*, size_t, off_t))Next("pwrite");
  AROUND(IsFdTarget(kWrite, fd), ssize_t, next(fd, data, size, offset));
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
  static ssize_t (*next)(int, const void*, size_t, off64_t);
  if (!next) next = (ssize_t(*)(int, const void*, size_t, off64_t))Next("pwrite64");
  AROUND(IsFdTarget(kWrite, fd), ssize_t, next(fd, data, size, offset));
}

"""What the benchmarks ran on, and whether the machine was quiet enough to quote."""
import os
import platform
import subprocess

# Busy: the 1-minute load average is above this share of the usable cores before a run starts.
BUSY_LOAD_PER_CORE = 0.5


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def cpu_model():
    for line in (read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def frequency():
    """The current frequency and governor of cpu0, where the kernel exposes them."""
    cpufreq = "/sys/devices/system/cpu/cpu0/cpufreq"
    current, governor = read(f"{cpufreq}/scaling_cur_freq"), read(f"{cpufreq}/scaling_governor")
    if current is None:
        for line in (read("/proc/cpuinfo") or "").splitlines():
            if line.startswith("cpu MHz"):
                current = str(int(float(line.split(":", 1)[1]) * 1000))
                break
    mhz = f"{int(current) // 1000} MHz" if current else "frequency not readable"
    return f"{mhz}, governor {governor or 'not readable'}"


def memory():
    info = {}
    for line in (read("/proc/meminfo") or "").splitlines():
        key, _, value = line.partition(":")
        info[key] = int(value.split()[0]) / (1024 * 1024) if value.split() else 0
    if "MemTotal" not in info:
        return "memory not readable"
    return f"{info['MemTotal']:.1f} GiB memory ({info.get('MemAvailable', 0):.1f} GiB available)"


def os_name():
    for line in (read("/etc/os-release") or "").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def commit(source_dir):
    try:
        head = subprocess.run(["git", "-C", source_dir, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", source_dir, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" with local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"


def usable_cores():
    return len(os.sched_getaffinity(0))


def shown_path(path, source_dir):
    """path relative to the repository when it is inside it."""
    relative = os.path.relpath(path, source_dir)
    return path if relative.startswith("..") else relative


def describe(source_dir, build_dir, when):
    """(lines describing the machine and the build, busy): busy when the 1-minute load average
    is above BUSY_LOAD_PER_CORE per usable core."""
    load1, load5, _ = os.getloadavg()
    cores = usable_cores()
    busy = load1 > BUSY_LOAD_PER_CORE * cores
    lines = [
        f"{cpu_model()}, {cores} usable cores of {os.cpu_count()}, {frequency()}; {memory()}",
        f"{os_name()}, Linux {platform.release()}; ctp {commit(source_dir)}, "
        f"{shown_path(build_dir, source_dir)} (Release); {when}",
        f"load average before the runs: {load1:.2f} (1 min), {load5:.2f} (5 min) on {cores} cores: "
        + (f"BUSY (above {BUSY_LOAD_PER_CORE} per core)" if busy else "quiet"),
    ]
    return lines, busy

using System.Globalization;
using System.Runtime.InteropServices;

namespace ContractGen.Benchmarks;

/// <summary>
/// What a process has used so far: CPU time (user + system), context switches (voluntary + involuntary) and managed
/// bytes allocated, over all its threads including those that have exited (<c>getrusage(RUSAGE_SELF)</c>).
/// </summary>
internal readonly partial record struct ProcessStats(double CpuMicroseconds, long ContextSwitches, long AllocatedBytes)
{
    public static ProcessStats operator +(ProcessStats left, ProcessStats right)
        => new(left.CpuMicroseconds + right.CpuMicroseconds, left.ContextSwitches + right.ContextSwitches, left.AllocatedBytes + right.AllocatedBytes);

    public static ProcessStats operator -(ProcessStats left, ProcessStats right)
        => new(left.CpuMicroseconds - right.CpuMicroseconds, left.ContextSwitches - right.ContextSwitches, left.AllocatedBytes - right.AllocatedBytes);

    /// <summary>This process's figures now.</summary>
    public static ProcessStats Current()
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        if (!OperatingSystem.IsLinux() || GetRusage(0 /* RUSAGE_SELF */, out var usage) != 0)
        {
            return new ProcessStats(Environment.CpuUsage.TotalTime.TotalMicroseconds, 0, allocated);
        }

        return new ProcessStats(
            (usage.UserSeconds + usage.SystemSeconds) * 1e6 + usage.UserMicroseconds + usage.SystemMicroseconds,
            usage.VoluntaryContextSwitches + usage.InvoluntaryContextSwitches,
            allocated);
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{CpuMicroseconds:R} {ContextSwitches} {AllocatedBytes}");

    public static ProcessStats Parse(string line)
    {
        var parts = line.Split(' ');
        return new ProcessStats(
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    /// <summary><c>struct rusage</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntaryContextSwitches;
        public long InvoluntaryContextSwitches;
    }
}

/// <summary>The few libc calls the benchmarks need.</summary>
internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();
}

namespace ContractGen;

/// <summary>
/// Everything about how a private helper is started, confined, relaunched and retired, in one object. Pass it to
/// <see cref="ServiceHelper.Create{TContract}(HelperOptions, Microsoft.Extensions.Logging.ILoggerFactory?)"/>.
/// </summary>
/// <example>
/// <code>
/// var options = HelperOptions.ForDotNetAssembly(Path.Combine(AppContext.BaseDirectory, "MailServer.dll"));
/// options.IdleTimeout = TimeSpan.FromMinutes(1);
/// options.ResourceLimits.OpenFiles = 256;
/// await using var helper = ServiceHelper.Create&lt;IMailServer&gt;(options, loggerFactory);
/// var summary = await helper.Proxy.CheckAsync("inbox");
/// </code>
/// </example>
public sealed class HelperOptions
{
    /// <summary>Creates options that start <paramref name="fileName"/> (an executable path, or a name looked up in <c>PATH</c>).</summary>
    public HelperOptions(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        FileName = fileName;
    }

    /// <summary>
    /// Options that run a framework-dependent .NET program with <c>dotnet exec <paramref name="assemblyPath"/></c> (its
    /// <c>.runtimeconfig.json</c> must sit next to it), followed by <paramref name="arguments"/>. The <c>dotnet</c> host
    /// is the one running this process where it can be found.
    /// </summary>
    public static HelperOptions ForDotNetAssembly(string assemblyPath, params string[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        ArgumentNullException.ThrowIfNull(arguments);
        var options = new HelperOptions(DotNetHost.Path);
        options.Arguments.Add("exec");
        options.Arguments.Add(Path.GetFullPath(assemblyPath));
        foreach (var argument in arguments)
        {
            options.Arguments.Add(argument);
        }

        return options;
    }

    /// <summary>The program to start: an executable path, or a name looked up in this process's <c>PATH</c>.</summary>
    public string FileName { get; set; }

    /// <summary>The helper's command-line arguments, passed as they are (no shell).</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>The helper's working directory. Default: <c>/</c>, so that the helper does not inherit the application's.</summary>
    public string WorkingDirectory { get; set; } = "/";

    /// <summary>
    /// Run the helper as this user (name from the passwd database), with that user's primary group and supplementary
    /// groups, through <c>setpriv --reuid --regid --init-groups --no-new-privs</c>. Only a process running as root
    /// may do this. <see langword="null"/> (the default) runs the helper as the application's user.
    /// </summary>
    /// <remarks>
    /// The helper program and the <c>dotnet</c> host must be readable by that user, and the private socket directory is
    /// created in a place the user can reach (see <see cref="SocketDirectory"/>). A contract that keeps the
    /// <see cref="ServiceContext.Application"/> default rule admits only callers of the helper's own uid; when the
    /// application runs as root, declare <c>[AllowCallers(Root = true, SameUser = true)]</c> on the contract.
    /// </remarks>
    public string? UserName { get; set; }

    /// <summary>Run the helper with this primary group instead of <see cref="UserName"/>'s own. Requires <see cref="UserName"/>.</summary>
    public string? GroupName { get; set; }

    /// <summary>
    /// Set the <c>no_new_privs</c> flag on the helper (<c>setpriv --no-new-privs</c>) even when it runs as the
    /// application's user, so that nothing it executes can gain privileges (set-user-ID programs, file capabilities).
    /// Always set when <see cref="UserName"/> is. Default: false.
    /// </summary>
    public bool NoNewPrivileges { get; set; }

    /// <summary>
    /// Names of this process's environment variables that the helper inherits, when they are set. The helper's
    /// environment is otherwise empty apart from <see cref="Environment"/>. Default: <c>PATH</c>, <c>LANG</c>,
    /// <c>LC_ALL</c>, <c>TZ</c>, <c>TMPDIR</c>, <c>DOTNET_ROOT</c> and <c>HOME</c> (<c>HOME</c> becomes the target
    /// user's home directory when <see cref="UserName"/> is set).
    /// </summary>
    public ISet<string> InheritedEnvironmentVariables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "DOTNET_ROOT", "HOME",
    };

    /// <summary>Environment variables set for the helper, after the inherited ones (a <see langword="null"/> value removes one).</summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Resource limits applied to the helper before it starts (through <c>prlimit</c>).</summary>
    public HelperResourceLimits ResourceLimits { get; } = new();

    /// <summary>What happens to the helper's standard output and error. Default: <see cref="HelperOutput.Log"/>.</summary>
    public HelperOutput Output { get; set; } = HelperOutput.Log;

    /// <summary>
    /// How long the helper may stay without a call in flight before it is told to exit (its connection is closed and it
    /// ends itself); the next call starts it again. <see cref="Timeout.InfiniteTimeSpan"/> keeps it running until the
    /// connection is disposed. Default: 30 seconds.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the started helper may take to connect to its application; it is killed after that, which counts as a
    /// crash. The handshake that follows is bounded by <see cref="Connection"/>'s
    /// <see cref="ServiceConnectionOptions.ConnectTimeout"/>. Default: 30 seconds.
    /// </summary>
    public TimeSpan LaunchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the helper has to exit on its own once its connection is closed (idle, disposed, or it stopped
    /// answering) before it is killed with <c>SIGKILL</c>. Default: 5 seconds.
    /// </summary>
    public TimeSpan ExitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The wait before relaunching after the first crash within <see cref="CrashWindow"/>; it doubles with every further
    /// crash in the window, up to <see cref="MaxRelaunchDelay"/>. Calls made meanwhile wait (their cancellation token
    /// still applies). Default: 250 milliseconds.
    /// </summary>
    public TimeSpan InitialRelaunchDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait before a relaunch. Default: 30 seconds.</summary>
    public TimeSpan MaxRelaunchDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many crashes within <see cref="CrashWindow"/> make a crash loop: the connection is then invalidated instead of
    /// relaunching the helper again. Default: 5.
    /// </summary>
    public int CrashLimit { get; set; } = 5;

    /// <summary>The window in which crashes are counted towards <see cref="CrashLimit"/> and the backoff. Default: 1 minute.</summary>
    public TimeSpan CrashWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The directory in which a fresh private directory (mode <c>0700</c>) holds the helper's socket while it starts.
    /// Default: <c>$XDG_RUNTIME_DIR</c> when set, else the temporary directory; <c>/tmp</c> when the helper runs as
    /// another user (it must be able to reach the directory).
    /// </summary>
    public string? SocketDirectory { get; set; }

    /// <summary>Settings of the connection to the helper (frame size, keepalive, default call timeout).</summary>
    public ServiceConnectionOptions Connection { get; set; } = new();

    internal void Validate()
    {
        if (string.IsNullOrEmpty(FileName))
        {
            throw new ArgumentException("FileName must name the helper program.", nameof(FileName));
        }

        if (string.IsNullOrEmpty(WorkingDirectory))
        {
            throw new ArgumentException("WorkingDirectory must be a directory (default '/').", nameof(WorkingDirectory));
        }

        if (GroupName is not null && UserName is null)
        {
            throw new ArgumentException("GroupName applies only together with UserName.", nameof(GroupName));
        }

        RequirePositive(IdleTimeout, nameof(IdleTimeout), allowInfinite: true);
        RequirePositive(LaunchTimeout, nameof(LaunchTimeout), allowInfinite: false);
        RequirePositive(ExitTimeout, nameof(ExitTimeout), allowInfinite: false);
        RequirePositive(CrashWindow, nameof(CrashWindow), allowInfinite: false);
        if (InitialRelaunchDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialRelaunchDelay), InitialRelaunchDelay, "InitialRelaunchDelay must not be negative.");
        }

        if (MaxRelaunchDelay < InitialRelaunchDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRelaunchDelay), MaxRelaunchDelay, "MaxRelaunchDelay must be at least InitialRelaunchDelay.");
        }

        if (CrashLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CrashLimit), CrashLimit, "CrashLimit must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(Connection);
        ResourceLimits.Validate();
    }

    private static void RequirePositive(TimeSpan value, string name, bool allowInfinite)
    {
        if (value <= TimeSpan.Zero && !(allowInfinite && value == Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentOutOfRangeException(name, value, allowInfinite
                ? $"{name} must be positive or Timeout.InfiniteTimeSpan."
                : $"{name} must be positive.");
        }
    }
}

/// <summary>
/// Resource limits of a helper process (<c>setrlimit</c>, applied with <c>prlimit</c> before the helper's program
/// starts; soft and hard limits are both set, so the helper cannot raise them). <see langword="null"/> leaves a limit as
/// the application has it.
/// </summary>
/// <remarks>
/// A .NET process reserves a large virtual address range for its garbage-collected heap: a tight
/// <see cref="AddressSpaceBytes"/> makes it fail at start unless the helper also sets <c>DOTNET_GCHeapHardLimit</c>.
/// <see cref="Processes"/> counts every thread of every process of the helper's user, and .NET starts several threads.
/// </remarks>
public sealed class HelperResourceLimits
{
    /// <summary>The most file descriptors the helper may have open (<c>RLIMIT_NOFILE</c>).</summary>
    public long? OpenFiles { get; set; }

    /// <summary>The most processes and threads the helper's user may have (<c>RLIMIT_NPROC</c>).</summary>
    public long? Processes { get; set; }

    /// <summary>The CPU time the helper may use, rounded up to whole seconds (<c>RLIMIT_CPU</c>; the kernel sends <c>SIGXCPU</c>, then <c>SIGKILL</c>).</summary>
    public TimeSpan? CpuTime { get; set; }

    /// <summary>The largest file the helper may write, in bytes (<c>RLIMIT_FSIZE</c>).</summary>
    public long? FileSizeBytes { get; set; }

    /// <summary>The helper's largest virtual address space, in bytes (<c>RLIMIT_AS</c>). See the remarks.</summary>
    public long? AddressSpaceBytes { get; set; }

    /// <summary>The largest core dump the helper may write, in bytes (<c>RLIMIT_CORE</c>); 0 writes none.</summary>
    public long? CoreFileSizeBytes { get; set; }

    internal bool Any => OpenFiles is not null || Processes is not null || CpuTime is not null || FileSizeBytes is not null
        || AddressSpaceBytes is not null || CoreFileSizeBytes is not null;

    /// <summary>The limits as <c>prlimit</c> options.</summary>
    internal IEnumerable<string> ToPrlimitArguments()
    {
        if (OpenFiles is { } files)
        {
            yield return Format("nofile", files);
        }

        if (Processes is { } processes)
        {
            yield return Format("nproc", processes);
        }

        if (CpuTime is { } cpu)
        {
            yield return Format("cpu", (long)Math.Ceiling(cpu.TotalSeconds));
        }

        if (FileSizeBytes is { } fileSize)
        {
            yield return Format("fsize", fileSize);
        }

        if (AddressSpaceBytes is { } addressSpace)
        {
            yield return Format("as", addressSpace);
        }

        if (CoreFileSizeBytes is { } core)
        {
            yield return Format("core", core);
        }

        // "--nofile=N" sets the soft and the hard limit to N.
        static string Format(string resource, long value)
            => $"--{resource}={value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    internal void Validate()
    {
        Check(OpenFiles, nameof(OpenFiles), 1);
        Check(Processes, nameof(Processes), 1);
        Check(FileSizeBytes, nameof(FileSizeBytes), 0);
        Check(AddressSpaceBytes, nameof(AddressSpaceBytes), 1);
        Check(CoreFileSizeBytes, nameof(CoreFileSizeBytes), 0);
        if (CpuTime is { } cpu && cpu <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CpuTime), cpu, "CpuTime must be positive.");
        }

        static void Check(long? value, string name, long minimum)
        {
            if (value < minimum)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}.");
            }
        }
    }
}

/// <summary>Where a helper's standard output and error go.</summary>
public enum HelperOutput
{
    /// <summary>Each line is logged through the connection's logger: output at Information, errors at Warning, with the helper's pid.</summary>
    Log = 0,

    /// <summary>The helper writes to the application's own standard output and error.</summary>
    Inherit = 1,

    /// <summary>Read and thrown away.</summary>
    Discard = 2,
}

/// <summary>Finds the <c>dotnet</c> host that runs this process.</summary>
internal static class DotNetHost
{
    public static string Path
    {
        get
        {
            // Set by the SDK for processes it starts (build, test, run).
            if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            {
                return hostPath;
            }

            if (System.Environment.ProcessPath is { } processPath
                && System.IO.Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                return processPath;
            }

            // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
            var runtimeDirectory = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
            if (!string.IsNullOrEmpty(runtimeDirectory))
            {
                var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtimeDirectory, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return "dotnet";
        }
    }
}

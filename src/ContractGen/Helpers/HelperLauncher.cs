using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

namespace ContractGen.Helpers;

/// <summary>A helper process that was started and whose connection came from that very process.</summary>
internal sealed record LaunchedHelper(Process Process, ITransport Transport, PeerCredentials Credentials);

/// <summary>
/// Starting a helper failed. <see cref="Permanent"/> failures (missing program or tool, unknown user, not root) will not
/// fix themselves and invalidate the connection; the others count as a crash.
/// </summary>
internal sealed class HelperLaunchException(string message, bool permanent, int? processId = null, int? exitCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    public int? ProcessId { get; } = processId;

    public int? ExitCode { get; } = exitCode;
}

/// <summary>Who the helper runs as, resolved from the options once per launch.</summary>
internal sealed record HelperIdentity(uint UserId, uint GroupId, string? Home, bool SwitchUser);

/// <summary>
/// Starts a helper process and connects it privately:
/// <list type="number">
/// <item>a fresh directory, mode 0700 (<c>mkdtemp</c>), owned by the helper's user, holds a listening socket, mode 0600;</item>
/// <item>the helper is started with the socket's path in <see cref="ServiceHelperHost.SocketVariable"/>, through
/// <c>prlimit</c> and <c>setpriv</c> when the options ask for limits or another user (both exec, so the pid stays);</item>
/// <item>every connection is checked against the kernel's peer credentials: only the process that was started, with the
/// expected uid, is taken; anything else is closed unread and logged;</item>
/// <item>the socket and its directory are removed as soon as the helper is connected, so nobody can connect later.</item>
/// </list>
/// </summary>
[SupportedOSPlatform("linux")]
internal static class HelperLauncher
{
    private const string SocketName = "s";

    // Where util-linux installs its tools; PATH is searched after these.
    private static readonly string[] s_toolDirectories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    public static HelperIdentity ResolveIdentity(HelperOptions options)
    {
        var euid = Security.UnixAccounts.CurrentUserId;
        var egid = HelperNative.EffectiveGroupId;
        if (options.UserName is not { } userName)
        {
            return new HelperIdentity(euid, egid, null, SwitchUser: false);
        }

        var user = Security.UnixAccounts.TryGetUser(userName)
            ?? throw new HelperLaunchException($"HelperOptions.UserName names user '{userName}', which does not exist. Create the user (useradd --system) or fix the name.", permanent: true);
        var gid = user.GroupId;
        if (options.GroupName is { } groupName)
        {
            gid = Security.UnixAccounts.TryGetGroupId(groupName)
                ?? throw new HelperLaunchException($"HelperOptions.GroupName names group '{groupName}', which does not exist.", permanent: true);
        }

        var switchUser = user.UserId != euid || gid != egid;
        if (switchUser && euid != 0)
        {
            throw new HelperLaunchException(
                $"HelperOptions.UserName asks to run the helper as '{userName}' (uid {user.UserId}, gid {gid}), but this process runs as uid {euid}, not root; only root can start a process as another user. Run the application as root, or leave UserName unset.",
                permanent: true);
        }

        return new HelperIdentity(user.UserId, gid, user.Home, switchUser);
    }

    public static async Task<LaunchedHelper> LaunchAsync(
        HelperOptions options,
        HelperIdentity identity,
        string contract,
        ILogger logger,
        Action<Process> started,
        Action<PeerCredentials?> peerRejected,
        CancellationToken cancellationToken)
    {
        var directory = CreateSocketDirectory(options);
        ITransportListener? listener = null;
        Process? process = null;
        try
        {
            if (identity.SwitchUser)
            {
                // The helper's user must reach the socket; the directory stays closed to everyone else.
                ChangeOwner(directory, identity);
            }

            var socketPath = Path.Combine(directory, SocketName);
            listener = await Listen(socketPath, identity, cancellationToken).ConfigureAwait(false);
            var startInfo = CreateStartInfo(options, identity, socketPath);
            process = Start(startInfo, options, logger);
            started(process);
            logger.Launched(contract, process.Id, Describe(startInfo));

            var transport = await AcceptHelperAsync(listener, process, identity, options.LaunchTimeout, contract, logger, peerRejected, cancellationToken).ConfigureAwait(false);
            var launched = new LaunchedHelper(process, transport, transport.PeerCredentials!);
            process = null;
            return launched;
        }
        finally
        {
            // Nobody can connect once the listener and its directory are gone.
            if (listener is not null)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            TryDeleteDirectory(directory);
            if (process is not null)
            {
                await StopAsync(process).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Kills a process that failed to launch and waits for it, so that its exit code is known.</summary>
    private static async Task StopAsync(Process process) => await KillAndReapAsync(process).ConfigureAwait(false);

    /// <summary>
    /// Completes when the process has exited. Unlike <see cref="Process.WaitForExitAsync(CancellationToken)"/>, it does
    /// not also wait for the end of redirected output, which a grandchild that inherited it may hold open indefinitely.
    /// </summary>
    public static Task WhenExited(Process process)
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => exited.TrySetResult();
        if (process.HasExited)
        {
            exited.TrySetResult();
        }

        return exited.Task;
    }

    /// <summary>Kills the process if it still runs, waits for it to exit, and returns its exit code when known.</summary>
    public static async Task<int?> KillAndReapAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await WhenExited(process).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

            // Let the last lines it wrote (a crash report, say) reach the log, but never wait long for them.
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or its output is held open by a process it started.
        }

        return process.HasExited ? process.ExitCode : null;
    }

    private static string CreateSocketDirectory(HelperOptions options)
    {
        var parent = options.SocketDirectory;
        if (parent is null)
        {
            var runtimeDirectory = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            parent = options.UserName is not null
                ? "/tmp"
                : !string.IsNullOrEmpty(runtimeDirectory) && Directory.Exists(runtimeDirectory) ? runtimeDirectory : Path.GetTempPath();
        }

        string directory;
        try
        {
            directory = HelperNative.CreatePrivateDirectory(parent, "cgh-");
        }
        catch (IOException ex)
        {
            throw new HelperLaunchException(ex.Message + " Set HelperOptions.SocketDirectory to a directory this process may write.", permanent: true, inner: ex);
        }

        return directory;
    }

    private static void ChangeOwner(string path, HelperIdentity identity)
    {
        try
        {
            HelperNative.ChangeOwner(path, identity.UserId, identity.GroupId);
        }
        catch (IOException ex)
        {
            throw new HelperLaunchException(ex.Message, permanent: true, inner: ex);
        }
    }

    private static async Task<ITransportListener> Listen(string socketPath, HelperIdentity identity, CancellationToken cancellationToken)
    {
        UnixSocketEndpoint endpoint;
        try
        {
            endpoint = new UnixSocketEndpoint(socketPath);
            var listener = await endpoint.ListenAsync(UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken).ConfigureAwait(false);
            if (identity.SwitchUser)
            {
                try
                {
                    ChangeOwner(socketPath, identity);
                }
                catch
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            return listener;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new HelperLaunchException($"The helper's socket path '{socketPath}' is too long for a Unix domain socket. Set HelperOptions.SocketDirectory to a shorter directory.", permanent: true, inner: ex);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new HelperLaunchException($"Could not listen on the helper's private socket '{socketPath}': {ex.Message}.", permanent: true, inner: ex);
        }
    }

    private static ProcessStartInfo CreateStartInfo(HelperOptions options, HelperIdentity identity, string socketPath)
    {
        var command = new List<string>();
        if (options.ResourceLimits.Any)
        {
            // Before setpriv: only root may raise a hard limit, and limits survive the user switch and exec.
            command.Add(FindTool("prlimit"));
            command.AddRange(options.ResourceLimits.ToPrlimitArguments());
            command.Add("--");
        }

        if (identity.SwitchUser || options.NoNewPrivileges)
        {
            command.Add(FindTool("setpriv"));
            if (identity.SwitchUser)
            {
                command.Add("--reuid=" + identity.UserId.ToString(CultureInfo.InvariantCulture));
                command.Add("--regid=" + identity.GroupId.ToString(CultureInfo.InvariantCulture));
                command.Add("--init-groups");
            }

            command.Add("--no-new-privs");
            command.Add("--");
        }

        command.Add(options.FileName);
        command.AddRange(options.Arguments);

        var startInfo = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = options.Output != HelperOutput.Inherit,
            RedirectStandardError = options.Output != HelperOutput.Inherit,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // An allow-list, never the application's whole environment: it may hold secrets the helper has no business with.
        var environment = startInfo.Environment;
        var inherited = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in options.InheritedEnvironmentVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                inherited[name] = value;
            }
        }

        environment.Clear();
        foreach (var (name, value) in inherited)
        {
            environment[name] = value;
        }

        if (identity.SwitchUser && options.InheritedEnvironmentVariables.Contains("HOME"))
        {
            environment["HOME"] = identity.Home ?? "/";
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        environment[ServiceHelperHost.SocketVariable] = socketPath;
        return startInfo;
    }

    private static Process Start(ProcessStartInfo startInfo, HelperOptions options, ILogger logger)
    {
        Process? process;
        try
        {
            process = Process.Start(startInfo);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            throw new HelperLaunchException(
                $"Could not start the helper '{startInfo.FileName}' in '{startInfo.WorkingDirectory}': {ex.Message}. Check HelperOptions.FileName and WorkingDirectory.",
                permanent: true, inner: ex);
        }

        if (process is null)
        {
            throw new HelperLaunchException($"Could not start the helper '{startInfo.FileName}'.", permanent: true);
        }

        // The helper reads end-of-file from its standard input: it must not share the application's terminal input.
        process.StandardInput.Close();
        if (options.Output != HelperOutput.Inherit)
        {
            var pid = process.Id;
            var log = options.Output == HelperOutput.Log;
            process.OutputDataReceived += (_, e) =>
            {
                if (log && e.Data is { } line)
                {
                    logger.Output(pid, line);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (log && e.Data is { } line)
                {
                    logger.ErrorOutput(pid, line);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    /// <summary>Waits for the started process to connect, refusing every other peer.</summary>
    private static async Task<ITransport> AcceptHelperAsync(
        ITransportListener listener,
        Process process,
        HelperIdentity identity,
        TimeSpan timeout,
        string contract,
        ILogger logger,
        Action<PeerCredentials?> peerRejected,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var exited = WhenExited(process);
        while (true)
        {
            var accept = listener.AcceptAsync(deadline.Token).AsTask();
            await Task.WhenAny(accept, exited).ConfigureAwait(false);
            if (!accept.IsCompleted)
            {
                await deadline.CancelAsync().ConfigureAwait(false);
                await ObserveAsync(accept).ConfigureAwait(false);
                throw new HelperLaunchException(
                    $"exited with {DescribeExit(process.ExitCode)} before it connected",
                    permanent: false, process.Id, process.ExitCode);
            }

            ITransport transport;
            try
            {
                transport = await accept.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HelperLaunchException(
                    $"did not connect within {timeout} (HelperOptions.LaunchTimeout); it was killed. Does the helper call ServiceHelperHost.RunAsync?",
                    permanent: false, process.Id);
            }

            var peer = transport.PeerCredentials;
            if (peer is not null && peer.ProcessId == process.Id && peer.UserId == identity.UserId)
            {
                logger.Connected(contract, process.Id, peer.ToString());
                return transport;
            }

            // Closed before a single byte is read or written: a stranger learns nothing and cannot pose as the helper.
            logger.PeerRejected(contract, peer?.ToString() ?? "a peer whose credentials the kernel did not tell", process.Id, identity.UserId);
            await transport.DisposeAsync().ConfigureAwait(false);
            peerRejected(peer);
        }
    }

    private static async Task ObserveAsync(Task<ITransport> accept)
    {
        try
        {
            var late = await accept.ConfigureAwait(false);
            await late.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>An exit code in words; .NET reports death by a signal as 128 + its number.</summary>
    public static string DescribeExit(int exitCode) => exitCode switch
    {
        > 128 and < 128 + 65 => $"signal {exitCode - 128}{SignalName(exitCode - 128)} (exit code {exitCode})",
        _ => $"exit code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        24 => " (SIGXCPU)",
        25 => " (SIGXFSZ)",
        _ => string.Empty,
    };

    private static string FindTool(string name)
    {
        foreach (var directory in s_toolDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new HelperLaunchException($"The helper options need '{name}' (util-linux), which is not installed. Install util-linux, or remove the options that need it (UserName, NoNewPrivileges, ResourceLimits).", permanent: true);
    }

    private static string Describe(ProcessStartInfo startInfo)
        => string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using System.Globalization;
using System.Net.Sockets;
using ContractGen.Transports;

namespace ContractGen.Systemd;

/// <summary>
/// Listening sockets handed to this process by systemd socket activation (a <c>.socket</c> unit, or
/// <c>systemd-socket-activate</c>): descriptors 3, 4, … announced by <c>LISTEN_PID</c>, <c>LISTEN_FDS</c> and
/// <c>LISTEN_FDNAMES</c>.
/// </summary>
/// <remarks>
/// The environment is read once, on first use. Every announced descriptor is then marked close-on-exec (a .NET process
/// otherwise passes it to every program it starts) and the three variables are removed from this process's environment,
/// so that a child process never believes the sockets are meant for it. A socket can be taken once.
/// <see cref="ServiceHost.StartAsync(CancellationToken)"/> takes the socket named after one of its contracts, so most
/// daemons never call this class directly.
/// </remarks>
/// <example>
/// <code>
/// if (SystemdActivation.TryGetListener("com.example.clock") is { } listener)
///     await host.StartAsync(listener);
/// </code>
/// </example>
public static class SystemdActivation
{
    /// <summary>The first inherited descriptor (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>The name systemd gives a socket whose unit sets no <c>FileDescriptorName=</c>.</summary>
    public const string UnknownName = "unknown";

    // More than this many inherited sockets is a broken environment, not a configuration.
    private const int MaxDescriptors = 1024;

    private static readonly Lazy<State> s_state = new(ReadEnvironment, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether systemd handed sockets to this process (whether or not they have been taken since).</summary>
    /// <exception cref="InvalidOperationException">The activation variables name this process but are malformed.</exception>
    public static bool IsSocketActivated => GetState().Sockets.Length > 0;

    /// <summary>The names of the inherited sockets, in descriptor order (<c>FileDescriptorName=</c>, or <see cref="UnknownName"/>).</summary>
    /// <exception cref="InvalidOperationException">The activation variables name this process but are malformed.</exception>
    public static IReadOnlyList<string> SocketNames => [.. GetState().Sockets.Select(s => s.Name)];

    /// <summary>
    /// Takes the inherited listening Unix socket named <paramref name="name"/>, or the only inherited socket when
    /// <paramref name="name"/> is <see langword="null"/>. Returns <see langword="null"/> when this process was not
    /// socket-activated or no socket has that name.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The socket was already taken, <paramref name="name"/> is <see langword="null"/> but several sockets were passed,
    /// the inherited descriptor is not a listening Unix stream socket, or the activation variables are malformed.
    /// </exception>
    public static ITransportListener? TryGetListener(string? name = null)
    {
        var state = GetState();
        if (state.Sockets.Length == 0)
        {
            return null;
        }

        InheritedSocket? socket;
        if (name is null)
        {
            if (state.Sockets.Length > 1)
            {
                throw new InvalidOperationException(
                    $"systemd passed {state.Sockets.Length} sockets ({string.Join(", ", state.Sockets.Select(s => $"'{s.Name}'"))}); name the one to take.");
            }

            socket = state.Sockets[0];
        }
        else
        {
            socket = state.Sockets.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
            if (socket is null)
            {
                return null;
            }
        }

        return socket.Take();
    }

    private static State GetState()
    {
        var state = s_state.Value;
        return state.Problem is null ? state : throw new InvalidOperationException(state.Problem);
    }

    private static State ReadEnvironment()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        var names = Environment.GetEnvironmentVariable("LISTEN_FDNAMES");

        // Whatever they say, they are not for the programs this process starts (sd_listen_fds(unset_environment: true)).
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);

        if (pid is null || fds is null || !OperatingSystem.IsLinux())
        {
            return new State([], null);
        }

        // Set for another process (our parent, usually) and inherited by accident: the descriptors are not ours.
        if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var listenPid) || listenPid != Environment.ProcessId)
        {
            return new State([], null);
        }

        if (!int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > MaxDescriptors)
        {
            return new State([], $"LISTEN_FDS='{fds}' is not a number of sockets between 0 and {MaxDescriptors}.");
        }

        if (count == 0)
        {
            return new State([], null);
        }

        var nameList = names?.Split(':') ?? [.. Enumerable.Repeat(UnknownName, count)];
        if (nameList.Length != count)
        {
            return new State([], $"LISTEN_FDNAMES names {nameList.Length} sockets but LISTEN_FDS={count}.");
        }

        var sockets = new InheritedSocket[count];
        for (var i = 0; i < count; i++)
        {
            var fd = FirstDescriptor + i;
            try
            {
                LinuxFileDescriptors.SetCloseOnExec(fd);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return new State([], $"LISTEN_FDS={count} announces descriptor {fd}, but it is not usable: {ex.Message}");
            }

            sockets[i] = new InheritedSocket(fd, nameList[i]);
        }

        return new State(sockets, null);
    }

    private sealed record State(InheritedSocket[] Sockets, string? Problem);

    /// <summary>One inherited descriptor; it becomes a listener once.</summary>
    private sealed class InheritedSocket(int fd, string name)
    {
        private int _taken;

        public string Name => name;

        public InheritedSocketListener Take()
        {
            if (Interlocked.Exchange(ref _taken, 1) != 0)
            {
                throw new InvalidOperationException($"The systemd socket '{name}' (descriptor {fd}) has already been taken by another listener.");
            }

            Socket socket;
            try
            {
                socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"The systemd socket '{name}' (descriptor {fd}) is not a usable socket: {ex.Message}", ex);
            }

            var listening = IsListening(socket);
            if (socket.AddressFamily != AddressFamily.Unix || socket.SocketType != SocketType.Stream || !listening)
            {
                var what = socket.AddressFamily == AddressFamily.Unknown
                    ? "not a socket"
                    : $"a {socket.AddressFamily}/{socket.SocketType} socket{(listening ? "" : " that is not listening")}";
                socket.Dispose();
                throw new InvalidOperationException(
                    $"The systemd socket '{name}' (descriptor {fd}) is {what}; ContractGen serves on a listening Unix stream socket (ListenStream=/path in the .socket unit, Accept=no).");
            }

            return new InheritedSocketListener(socket, fd, name);
        }

        private static bool IsListening(Socket socket)
        {
            Span<byte> value = stackalloc byte[sizeof(int)];
            try
            {
                // SOL_SOCKET, SO_ACCEPTCONN
                return socket.GetRawSocketOption(1, 30, value) == sizeof(int) && BitConverter.ToInt32(value) != 0;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}

/// <summary>
/// A listening socket that systemd owns and passed to this process. Disposing it closes this process's descriptor only:
/// the socket file stays, and connections that arrive after this process exits wait in systemd's copy of the socket
/// until the service is started again.
/// </summary>
internal sealed class InheritedSocketListener(Socket socket, int fd, string name) : ITransportListener
{
    public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
    {
        var accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        return new SocketTransport(accepted);
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString()
    {
        string? path = null;
        try
        {
            path = (socket.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        return $"systemd socket '{name}' (fd {fd}{(string.IsNullOrEmpty(path) ? "" : ", unix:" + path)})";
    }
}

using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ContractGen.Transports;

/// <summary>A Unix domain socket at a file system path.</summary>
/// <remarks>
/// Listening replaces a stale socket file left by a crashed service, but never one that a live service still
/// answers on. The socket file's directory decides who can reach it; see the security documentation.
/// </remarks>
public sealed class UnixSocketEndpoint : ServiceEndpoint
{
    /// <summary>Creates the endpoint.</summary>
    public UnixSocketEndpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>The socket file's path.</summary>
    public string Path { get; }

    /// <summary>
    /// The socket file's permissions. When not set, a <see cref="ServiceHost"/> derives them from the contracts it
    /// serves: <c>0666</c> when all are <see cref="ServiceContext.System"/> (any local user may connect; methods
    /// authorize each call), otherwise <c>0600</c> (only the service's own user), so a per-user agent is
    /// unreachable by other users even if a rule were missing.
    /// </summary>
    public UnixFileMode? Permissions { get; init; }

    /// <summary>
    /// When set, listening first creates the socket's directory with this mode if it is missing, and refuses an existing
    /// one that another user owns or that group or others may write to. <see cref="ServiceEndpoint.ForContract{TContract}"/>
    /// sets it (<c>0755</c> for <c>/run/&lt;name&gt;</c>, <c>0700</c> for a user's runtime directory).
    /// </summary>
    public UnixFileMode? DirectoryMode { get; init; }

    /// <inheritdoc/>
    public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
        => ListenAsync(Permissions ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite), cancellationToken);

    internal async ValueTask<ITransportListener> ListenAsync(UnixFileMode permissions, CancellationToken cancellationToken)
    {
        if (DirectoryMode is { } directoryMode && System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            ServiceLocations.PrepareDirectory(directory, directoryMode);
        }

        await RemoveStaleSocketAsync(cancellationToken).ConfigureAwait(false);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(Path));

            // Set before listen(): until then every connect is refused, so no client slips in under looser permissions.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, permissions);
            }

            socket.Listen(512);
            return new UnixSocketListener(socket, Path);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path), cancellationToken).ConfigureAwait(false);
            return new SocketTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"unix:{Path}";

    private async ValueTask RemoveStaleSocketAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return;
        }

        if ((File.GetAttributes(Path) & FileAttributes.Directory) != 0)
        {
            throw new IOException($"Cannot listen on '{Path}': it is a directory.");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(Path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // Nobody answers: the file is left over from a process that died. Replacing it is safe.
            File.Delete(Path);
            return;
        }

        throw new IOException($"Cannot listen on '{Path}': another process is already serving on it. Stop that process or choose another path.");
    }
}

/// <summary>A listening Unix domain socket.</summary>
internal sealed class UnixSocketListener(Socket socket, string path) : ITransportListener
{
    public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
    {
        var accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        return new SocketTransport(accepted);
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The file may already be gone or replaced; nothing depends on removing it.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A connected stream socket. Reads the peer's credentials from the kernel once, at construction.</summary>
internal sealed class SocketTransport : ITransport
{
    private readonly Socket _socket;

    public SocketTransport(Socket socket)
    {
        _socket = socket;
        PeerCredentials = PeerCredentialReader.TryRead(socket, out _pidfd);
    }

    // Held for the connection's lifetime so the peer's identity stays pinned to one process.
    private readonly SafeFileHandle? _pidfd;

    public PeerCredentials? PeerCredentials { get; }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Abort();
        _socket.Dispose();
        _pidfd?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Reads the peer's identity from the kernel through the managed raw-socket-option API (no native shim).</summary>
internal static class PeerCredentialReader
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerGroups = 59;
    private const int SoPeerPidFd = 77;
    private const int MaxGroups = 256;

    public static PeerCredentials? TryRead(Socket socket, out SafeFileHandle? pidfd)
    {
        pidfd = null;
        if (socket.AddressFamily != AddressFamily.Unix || !OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < 12)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        var uid = MemoryMarshal.Read<uint>(ucred[4..]);
        pidfd = TryReadPidFd(socket);
        return new PeerCredentials(MemoryMarshal.Read<int>(ucred), uid, MemoryMarshal.Read<uint>(ucred[8..]))
        {
            SupplementaryGroupIds = TryReadGroups(socket),
            UserName = Security.UnixAccounts.TryGetUserName(uid),
            HasProcessHandle = pidfd is not null,
        };
    }

    private static uint[] TryReadGroups(Socket socket)
    {
        Span<byte> groups = stackalloc byte[MaxGroups * sizeof(uint)];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerGroups, groups);
            return MemoryMarshal.Cast<byte, uint>(groups[..length]).ToArray();
        }
        catch (SocketException)
        {
            // Kernels before 4.13 lack SO_PEERGROUPS; group rules then see the primary group only.
            return [];
        }
    }

    private static SafeFileHandle? TryReadPidFd(Socket socket)
    {
        Span<byte> fd = stackalloc byte[sizeof(int)];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoPeerPidFd, fd) == sizeof(int)
                ? new SafeFileHandle(MemoryMarshal.Read<int>(fd), ownsHandle: true)
                : null;
        }
        catch (SocketException)
        {
            // Kernels before 6.5 lack SO_PEERPIDFD: the pid at connect time is all there is, and nothing re-reads it.
            return null;
        }
    }
}

using System.Net.Sockets;
using System.Runtime.InteropServices;

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

    /// <inheritdoc/>
    public override async ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
    {
        await RemoveStaleSocketAsync(cancellationToken).ConfigureAwait(false);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(Path));
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
        PeerCredentials = PeerCredentialReader.TryRead(socket);
    }

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
        return ValueTask.CompletedTask;
    }
}

/// <summary>Reads <c>SO_PEERCRED</c> through the managed raw-socket-option API (no native shim).</summary>
internal static class PeerCredentialReader
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static PeerCredentials? TryRead(Socket socket)
    {
        if (socket.AddressFamily != AddressFamily.Unix || !OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < 12)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        return new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
    }
}

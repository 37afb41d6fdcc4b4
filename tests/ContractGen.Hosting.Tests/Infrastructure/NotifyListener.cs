using System.Net.Sockets;
using System.Text;

namespace ContractGen.Hosting.Tests.Infrastructure;

/// <summary>
/// Plays systemd's side of <c>$NOTIFY_SOCKET</c>: a datagram Unix socket that collects every message sent to it.
/// </summary>
internal sealed class NotifyListener : IDisposable
{
    private readonly Socket _socket;
    private readonly List<string> _messages = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _receiving;

    private NotifyListener(Socket socket, string address)
    {
        _socket = socket;
        Address = address;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The value for <c>NOTIFY_SOCKET</c>.</summary>
    public string Address { get; }

    /// <summary>Listens on a socket file at <paramref name="path"/>.</summary>
    public static NotifyListener AtPath(string path) => Bind(path, path);

    /// <summary>Listens on a name in the abstract namespace (<c>NOTIFY_SOCKET=@name</c>).</summary>
    public static NotifyListener Abstract() 
    {
        var name = "cgh-notify-" + Guid.NewGuid().ToString("N");
        return Bind("\0" + name, "@" + name);
    }

    private static NotifyListener Bind(string socketAddress, string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketAddress));
        return new NotifyListener(socket, address);
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Waits for a message that has the line <paramref name="line"/> (e.g. <c>READY=1</c>), counting from message <paramref name="from"/>.</summary>
    public async Task<string> WaitForAsync(string line, int from = 0)
    {
        var deadline = DateTime.UtcNow + ChildProcess.Patience;
        while (true)
        {
            var messages = Messages;
            var found = messages.Skip(from).FirstOrDefault(m => m.Split('\n').Contains(line));
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                Assert.Fail($"No '{line}' arrived at {Address} within {ChildProcess.Patience}; received: [{string.Join(" | ", messages.Select(m => m.ReplaceLineEndings("\\n")))}]");
            }
        }
    }

    /// <summary>How many received messages have the line <paramref name="line"/>.</summary>
    public int Count(string line) => Messages.Count(m => m.Split('\n').Contains(line));

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_messages)
            {
                _messages.Add(Encoding.UTF8.GetString(buffer, 0, received));
            }

            _arrived.Release();
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(ChildProcess.Patience);
        _arrived.Dispose();
    }
}

using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ContractGen.Systemd;

/// <summary>
/// Sends service state to systemd through <c>$NOTIFY_SOCKET</c> (the <c>sd_notify</c> protocol): <c>READY=1</c> for
/// <c>Type=notify</c> units, <c>STOPPING=1</c>, <c>STATUS=…</c>, and <c>WATCHDOG=1</c> for units with
/// <c>WatchdogSec=</c>.
/// </summary>
/// <remarks>
/// A <see cref="ServiceHost"/> does this itself unless <see cref="ServiceHostOptions.SystemdNotify"/> is off; use this
/// class directly when a process has more to do than one host before it is ready. Each message is one datagram on a
/// Unix socket; an address starting with <c>@</c> is in the abstract namespace.
/// </remarks>
public sealed class SystemdNotifier : IDisposable
{
    /// <summary>The service has started and is ready for clients.</summary>
    public const string Ready = "READY=1";

    /// <summary>The service is shutting down.</summary>
    public const string Stopping = "STOPPING=1";

    /// <summary>The service is alive (sent at least every half <c>WatchdogSec=</c>).</summary>
    public const string Watchdog = "WATCHDOG=1";

    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;
    private readonly Lock _sendLock = new();

    /// <summary>Creates a notifier for the socket at <paramref name="address"/> (a path, or <c>@name</c> in the abstract namespace).</summary>
    /// <exception cref="ArgumentException">The address is neither an absolute path nor an abstract name.</exception>
    public SystemdNotifier(string address)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        if (address[0] is not ('/' or '@') || address.Length < 2)
        {
            throw new ArgumentException($"NOTIFY_SOCKET '{address}' is neither an absolute path nor an abstract socket name ('@name').", nameof(address));
        }

        Address = address;
        _endpoint = new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>Where notifications go, as given in <c>$NOTIFY_SOCKET</c>.</summary>
    public string Address { get; }

    /// <summary>
    /// A notifier for <c>$NOTIFY_SOCKET</c>, or <see langword="null"/> when the process does not run under a service
    /// manager that listens (the variable is unset, or names a kind of socket other than a Unix one).
    /// </summary>
    public static SystemdNotifier? FromEnvironment()
    {
        var address = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        return address is { Length: > 1 } && address[0] is '/' or '@' ? new SystemdNotifier(address) : null;
    }

    /// <summary>
    /// How often systemd expects <see cref="Watchdog"/> (<c>WatchdogSec=</c>, from <c>$WATCHDOG_USEC</c>), or
    /// <see langword="null"/> when no watchdog applies to this process (unset, or <c>$WATCHDOG_PID</c> names another).
    /// Send at half this interval.
    /// </summary>
    public static TimeSpan? WatchdogTimeout
    {
        get
        {
            var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
            if (usec is null || !ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds == 0)
            {
                return null;
            }

            var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
            if (pid is not null && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var watchdogPid) || watchdogPid != Environment.ProcessId))
            {
                return null;
            }

            return TimeSpan.FromMicroseconds(Math.Min(microseconds, (ulong)TimeSpan.MaxValue.TotalMicroseconds));
        }
    }

    /// <summary>Sends <paramref name="state"/>: one or more <c>KEY=VALUE</c> lines.</summary>
    /// <exception cref="SocketException">Nothing receives at <see cref="Address"/>.</exception>
    public void Notify(string state)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        var bytes = Encoding.UTF8.GetBytes(state);
        lock (_sendLock)
        {
            _socket.SendTo(bytes, SocketFlags.None, _endpoint);
        }
    }

    /// <summary>Sends <paramref name="state"/>, returning <see langword="false"/> instead of throwing when it cannot be delivered.</summary>
    public bool TryNotify(string state)
    {
        try
        {
            Notify(state);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Builds a message of <paramref name="state"/> and, when given, a human-readable <c>STATUS=</c> line.</summary>
    public static string WithStatus(string state, string? status)
        => string.IsNullOrEmpty(status) ? state : state + "\nSTATUS=" + status.ReplaceLineEndings(" ");

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}

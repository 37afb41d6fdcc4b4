using Microsoft.Extensions.Logging;

namespace ContractGen;

/// <summary>The host's log messages about its lifecycle under a service manager (ids 100–119, apart from <see cref="HostLog"/>).</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(100, LogLevel.Information, "No client for {IdleTimeout}: stopping until the next one")]
    public static partial void IdleExit(this ILogger logger, TimeSpan idleTimeout);

    [LoggerMessage(101, LogLevel.Error, "Stopping after the idle timeout failed")]
    public static partial void IdleExitFailed(this ILogger logger, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Could not send '{State}' to systemd at {Address}")]
    public static partial void NotifyFailed(this ILogger logger, string state, string address);

    [LoggerMessage(103, LogLevel.Debug, "Feeding the systemd watchdog every {Interval} at {Address}")]
    public static partial void WatchdogStarted(this ILogger logger, TimeSpan interval, string address);

    [LoggerMessage(104, LogLevel.Error, "Connection {ConnectionId}: creating the implementation of '{Contract}' for the connection failed; closing it")]
    public static partial void ActivationFailed(this ILogger logger, long connectionId, string contract, Exception exception);

    [LoggerMessage(105, LogLevel.Error, "Connection {ConnectionId}: releasing the implementation of '{Contract}' failed")]
    public static partial void ReleaseFailed(this ILogger logger, long connectionId, string contract, Exception exception);

    [LoggerMessage(106, LogLevel.Warning, "Per-connection implementations were still being released when the host stopped")]
    public static partial void ReleaseTimedOut(this ILogger logger);

    [LoggerMessage(107, LogLevel.Error, "A callback registered on ServiceHost.Draining threw; the drain goes on")]
    public static partial void DrainingCallbackFailed(this ILogger logger, Exception exception);
}

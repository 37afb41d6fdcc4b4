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
}

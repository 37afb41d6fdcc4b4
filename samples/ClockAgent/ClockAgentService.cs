using System.Runtime.CompilerServices;
using ContractGen;
using Microsoft.Extensions.Logging;

namespace Example.ClockAgent;

/// <summary>
/// The agent's implementation, one instance per client connection (registered with
/// <see cref="ServiceLifetimeScope.PerConnection"/>): the greeting counter is that session's own, and the instance is
/// disposed when the session disconnects.
/// </summary>
public sealed partial class ClockAgentService(ClockDaemonClient daemon, ServiceHost host, ILogger<ClockAgentService> logger) : IClockAgent, IDisposable
{
    private readonly long _connectionId = ServiceCallContext.Current?.ConnectionId ?? 0;
    private int _greetings;

    /// <inheritdoc/>
    public async ValueTask<Greeting> GreetAsync(string zone, CancellationToken cancellationToken = default)
    {
        var clock = await daemon.GetAsync(cancellationToken);
        var reading = await clock.NowAsync(zone, cancellationToken);
        var count = Interlocked.Increment(ref _greetings);
        var partOfDay = reading.Time.Hour switch { < 5 => "Good night", < 12 => "Good morning", < 18 => "Good afternoon", _ => "Good evening" };
        var text = $"{partOfDay}, {Environment.UserName}: it is {reading.Time:HH:mm:ss} in {reading.Zone}";
        return new Greeting(text, reading.Time, count, Environment.ProcessId);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When the agent's host drains (it stops, refuses new clients and has told this one), the stream ends normally:
    /// a graceful stop waits for calls in flight, and a stream that could run for hours would otherwise hold the stop
    /// until its timeout. The client then reconnects, to the next agent.
    /// </remarks>
    public async IAsyncEnumerable<ClockTick> WatchAsync(string zone, int count, int intervalMilliseconds, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(intervalMilliseconds));
        for (var i = 0; i < count && !host.Draining.IsCancellationRequested; i++)
        {
            var clock = await daemon.GetAsync(cancellationToken);
            var reading = await clock.NowAsync(zone, cancellationToken);
            yield return new ClockTick(reading.Time, reading.CallsServed);
            if (i + 1 < count && !await WaitForNextTickAsync(timer, cancellationToken))
            {
                yield break;
            }
        }
    }

    // False when the host began to drain in the meantime.
    private async ValueTask<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, host.Draining);
        try
        {
            return await timer.WaitForNextTickAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Called when the session's connection has closed and its last call finished.</summary>
    public void Dispose() => LogSessionEnded(logger, _connectionId, _greetings);

    [LoggerMessage(1, LogLevel.Information, "Session on connection {ConnectionId} ended after {Greetings} greetings")]
    private static partial void LogSessionEnded(ILogger logger, long connectionId, int greetings);
}

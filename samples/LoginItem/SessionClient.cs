using ContractGen;
using ContractGen.Transports;
using Example.ClockAgent;

namespace Example.LoginItem;

/// <summary>
/// What the login item does for the whole session: connect to the agent (waiting for it, since at login either may
/// start first), greet the user, then show the time as the agent streams it; when the agent goes away (restarted,
/// upgraded, crashed), connect again. Only the end of the session (<c>cancellationToken</c>) stops it.
/// </summary>
internal sealed class SessionClient(UnixSocketEndpoint agent, string zone, TimeSpan interval)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);

    /// <summary>Lines a real login item would show in its window or notification.</summary>
    public event Action<string>? Show;

    /// <summary>Raised after each tick shown.</summary>
    public event Action? Ticked;

    /// <summary>Runs until <paramref name="cancellationToken"/> fires; then returns without throwing.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        try
        {
            while (true)
            {
                ServiceConnection<IClockAgent> session;
                try
                {
                    session = await ServiceConnection.ConnectAsync<IClockAgent>(agent, cancellationToken: cancellationToken);
                }
                catch (ServiceConnectionException ex)
                {
                    // Not there yet, or restarting: back off, so a missing agent costs nothing while the user works.
                    Show?.Invoke($"the agent is not reachable ({ex.Reason}); trying again in {retry.TotalMilliseconds:0} ms");
                    await Task.Delay(retry, cancellationToken);
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
                    continue;
                }

                retry = FirstRetry;
                await using (session)
                {
                    try
                    {
                        await ServeSessionAsync(session, cancellationToken);
                        Show?.Invoke("the agent ended the stream (it is stopping); reconnecting");
                    }
                    catch (ServiceConnectionException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        Show?.Invoke($"the agent went away ({ex.Reason}); reconnecting");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Show?.Invoke("the session is ending; goodbye");
        }
    }

    private async Task ServeSessionAsync(ServiceConnection<IClockAgent> session, CancellationToken cancellationToken)
    {
        var greeting = await session.Proxy.GreetAsync(zone, cancellationToken);
        Show?.Invoke($"{greeting.Text} (agent pid {greeting.AgentProcessId}, greeting #{greeting.SessionGreetings} of this connection)");
        await foreach (var tick in session.Proxy.WatchAsync(zone, 100_000, (int)interval.TotalMilliseconds, cancellationToken))
        {
            Show?.Invoke($"{tick.Time:HH:mm:ss}  (the daemon has served {tick.DaemonCallsServed} calls)");
            Ticked?.Invoke();
        }
    }
}

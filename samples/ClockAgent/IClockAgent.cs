using System.ComponentModel.DataAnnotations;
using ContractGen;
using MemoryPack;

namespace Example.ClockAgent;

/// <summary>
/// The per-user clock agent: one per logged-in user, reachable only by that user's processes (same uid, socket mode
/// 0600 in the user's runtime directory). It answers from the Clock system daemon, which it calls itself.
/// </summary>
[ServiceContract(Name = "com.example.clock-agent", Context = ServiceContext.User, MaxStringLength = 64)]
public partial interface IClockAgent
{
    /// <summary>Greets the caller's session with the time in <paramref name="zone"/> (an IANA id such as <c>Europe/Paris</c>).</summary>
    ValueTask<Greeting> GreetAsync(string zone, CancellationToken cancellationToken = default);

    /// <summary>Streams the time in <paramref name="zone"/> every <paramref name="intervalMilliseconds"/>, <paramref name="count"/> times.</summary>
    IAsyncEnumerable<ClockTick> WatchAsync(
        string zone,
        [Range(1, 100_000)] int count,
        [Range(100, 60_000)] int intervalMilliseconds,
        CancellationToken cancellationToken = default);
}

/// <param name="Text">What to show the user.</param>
/// <param name="Time">The time the daemon read.</param>
/// <param name="SessionGreetings">How many greetings this connection (session) has had: the agent keeps one instance per connection.</param>
/// <param name="AgentProcessId">The agent's pid, to tell a restarted agent from the old one.</param>
[MemoryPackable]
public sealed partial record Greeting(string Text, DateTimeOffset Time, int SessionGreetings, int AgentProcessId);

/// <param name="Time">The time in the zone asked for.</param>
/// <param name="DaemonCallsServed">The daemon's call counter: the agent really asked it.</param>
[MemoryPackable]
public sealed partial record ClockTick(DateTimeOffset Time, long DaemonCallsServed);

using System.ComponentModel.DataAnnotations;
using ContractGen;
using MemoryPack;

namespace Example.Clock;

/// <summary>A system daemon that tells the time: the contract both processes compile against.</summary>
/// <remarks>Any local user may read the clock: said on purpose, as a system daemon's analyzers ask (CGEN3006).</remarks>
[ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IClock
{
    /// <summary>Reads the clock in a time zone (an IANA id such as <c>Europe/Paris</c>, or <c>UTC</c>).</summary>
    ValueTask<ClockReading> NowAsync([StringLength(64)] string zone, CancellationToken cancellationToken = default);

    /// <summary>Adds two numbers: the smallest possible call, for latency.</summary>
    ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

    /// <summary>Resets the daemon's call counter.</summary>
    Task ResetAsync(CancellationToken cancellationToken);
}

/// <summary>One reading of the clock.</summary>
[MemoryPackable]
public sealed partial record ClockReading(string Zone, DateTimeOffset Time, long CallsServed);

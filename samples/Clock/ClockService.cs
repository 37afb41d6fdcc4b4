using ContractGen;

namespace Example.Clock;

/// <summary>The daemon's implementation of <see cref="IClock"/>.</summary>
public sealed class ClockService(TimeProvider time) : IClock
{
    private long _calls;

    public ValueTask<ClockReading> NowAsync(string zone, CancellationToken cancellationToken = default)
    {
        var calls = Interlocked.Increment(ref _calls);
        var now = time.GetUtcNow();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz))
        {
            // A declared fault: the caller is meant to see this one. Any other exception reaches it as "the call failed".
            throw new ServiceFaultException("zone-not-found", $"Unknown time zone '{zone}'.");
        }

        return ValueTask.FromResult(new ClockReading(tz.Id, TimeZoneInfo.ConvertTime(now, tz), calls));
    }

    public ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(checked(a + b));
    }

    public Task ResetAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _calls, 0);
        return Task.CompletedTask;
    }
}

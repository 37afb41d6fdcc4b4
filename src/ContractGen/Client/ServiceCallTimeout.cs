namespace ContractGen;

/// <summary>
/// Sets a deadline for the calls made in a scope, across any proxy: the client fails them with
/// <see cref="CallTimeoutException"/> at the deadline, and the service's cancellation token for each fires too.
/// </summary>
/// <example>
/// <code>
/// using (ServiceCallTimeout.Begin(TimeSpan.FromSeconds(2)))
/// {
///     await clock.NowAsync("UTC");
/// }
/// </code>
/// </example>
public static class ServiceCallTimeout
{
    private static readonly AsyncLocal<TimeSpan?> s_current = new();

    /// <summary>The deadline of calls made here, or <see langword="null"/> for the connection's default.</summary>
    public static TimeSpan? Current => s_current.Value;

    /// <summary>Applies <paramref name="timeout"/> to calls made until the returned scope is disposed.</summary>
    public static IDisposable Begin(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A call timeout must be positive and at most about 49 days.");
        }

        var scope = new Scope(s_current.Value);
        s_current.Value = timeout;
        return scope;
    }

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}

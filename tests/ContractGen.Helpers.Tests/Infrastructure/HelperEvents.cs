using System.Collections.Concurrent;

namespace ContractGen.Helpers.Tests.Infrastructure;

/// <summary>Records every event of a helper connection, in order.</summary>
internal sealed class HelperEvents
{
    private readonly ConcurrentQueue<EventArgs> _events = new();

    public HelperEvents(HelperConnection connection)
    {
        connection.Launched += (_, e) => Add(e);
        connection.Interrupted += (_, e) => Add(e);
        connection.Invalidated += (_, e) => Add(e);
        connection.Exited += (_, e) => Add(e);
    }

    public IReadOnlyList<T> Of<T>()
        where T : EventArgs
        => _events.OfType<T>().ToList();

    /// <summary>Waits for an event of type <typeparamref name="T"/> that matches, failing after <see cref="Probe.Bound"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null)
        where T : EventArgs
    {
        T? found = null;
        await Probe.WaitUntilAsync(
            () => (found = _events.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true)) is not null,
            $"a matching {typeof(T).Name} event arrived");
        return found!;
    }

    private void Add(EventArgs e) => _events.Enqueue(e);
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>Counts implementation instances and their disposals, and holds the gate that slow calls wait on.</summary>
public sealed class InstanceTracker
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _disposed = new();
    private int _created;
    private int _dependencies;
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Created => Volatile.Read(ref _created);

    /// <summary>Set when an instance was disposed while one of its calls was still running (a scope released too early).</summary>
    public bool DisposedWhileBusy { get; set; }

    public TaskCompletionSource GateEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Gate => Volatile.Read(ref _gate).Task;

    public void OpenGate() => _gate.TrySetResult();

    public int OnCreated() => Interlocked.Increment(ref _created);

    public int OnDependencyCreated() => Interlocked.Increment(ref _dependencies);

    public void OnDisposed(int instance) => Disposal(instance).TrySetResult();

    public bool IsDisposed(int instance) => Disposal(instance).Task.IsCompleted;

    /// <summary>Completes when instance <paramref name="instance"/> has been disposed.</summary>
    public Task WhenDisposed(int instance) => Disposal(instance).Task;

    private TaskCompletionSource Disposal(int instance)
        => _disposed.GetOrAdd(instance, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>A scoped dependency: shows that the implementation comes from the same DI scope as what it needs.</summary>
public sealed class ScopedDependency(InstanceTracker tracker)
{
    public int Number { get; } = tracker.OnDependencyCreated();
}

/// <summary>The implementation resolved from dependency injection; records its creation and disposal.</summary>
public sealed class TrackedService : ITracked, IAsyncDisposable
{
    private readonly InstanceTracker _tracker;
    private readonly ScopedDependency _dependency;
    private readonly ServiceHost _host;
    private readonly int _number;
    private readonly long _activatedFor = ServiceCallContext.Current?.ConnectionId ?? -1;
    private int _running;

    public TrackedService(InstanceTracker tracker, ScopedDependency dependency, ServiceHost host)
    {
        _tracker = tracker;
        _dependency = dependency;
        _host = host;
        _number = tracker.OnCreated();
    }

    public ValueTask<Served> WhoServesAsync(CancellationToken cancellationToken = default)
        => ValueTask.FromResult(new Served(_number, ServiceCallContext.Current?.ConnectionId ?? -1, _dependency.Number, _activatedFor));

    public async ValueTask<int> WaitForGateAsync(int value, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _running);
        try
        {
            _tracker.GateEntered.TrySetResult();
            await _tracker.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            return value;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public async IAsyncEnumerable<int> FollowAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; !_host.Draining.IsCancellationRequested; i++)
        {
            yield return i;
            try
            {
                await Task.Delay(10, _host.Draining).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_host.Draining.IsCancellationRequested)
            {
                yield break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _tracker.DisposedWhileBusy |= Volatile.Read(ref _running) != 0;
        _tracker.OnDisposed(_number);
        return ValueTask.CompletedTask;
    }
}

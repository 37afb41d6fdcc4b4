using System.Collections.Concurrent;
using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>
/// <see cref="ServiceHost.AddService{TContract}(ServiceActivator{TContract}, ServiceLifetimeScope)"/> without any
/// dependency-injection container: who is activated when, with which context, and what is released when.
/// </summary>
public sealed class ServiceActivationTests
{
    [Fact]
    public async Task PerCall_activates_an_instance_for_each_call_in_the_callers_context_and_releases_it()
    {
        var log = new ActivationLog();
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IRuntimeService>(log.Activate, ServiceLifetimeScope.PerCall));
        var proxy = (await host.ConnectAsync()).Proxy;

        await proxy.RememberAsync("kept by the first instance only");
        Assert.Null(await proxy.RecallAsync());
        Assert.Equal(5, await proxy.AddAsync(2, 3));

        Assert.Equal(3, log.Activated);
        Assert.All(log.Contexts, c => Assert.Equal("tests.runtime", c.Contract.Name));
        await Patience.UntilAsync(() => log.Released == 3, "every call's instance was released");
    }

    [Fact]
    public async Task PerConnection_activates_once_per_connection_and_releases_when_the_client_leaves()
    {
        var log = new ActivationLog();
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IRuntimeService>(log.Activate, ServiceLifetimeScope.PerConnection));
        var first = await host.ConnectAsync();
        var second = await host.ConnectAsync();

        await first.Proxy.RememberAsync("first");
        await second.Proxy.RememberAsync("second");
        Assert.Equal("first", await first.Proxy.RecallAsync());
        Assert.Equal("second", await second.Proxy.RecallAsync());
        Assert.Equal(2, log.Activated);
        Assert.Equal(2, log.Contexts.Select(c => c.ConnectionId).Distinct().Count());

        await first.DisposeAsync();
        await Patience.UntilAsync(() => log.Released == 1, "the first connection's instance was released");
        Assert.Equal("second", await second.Proxy.RecallAsync());

        await host.Host.StopAsync().WithPatience();
        Assert.Equal(2, log.Released);
    }

    [Fact]
    public async Task A_stop_waits_to_release_the_instance_of_a_client_that_left_while_its_call_still_ran()
    {
        var log = new ActivationLog { GateObservesToken = false };
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1),
            services: (h, _) => h.AddService<IRuntimeService>(log.Activate, ServiceLifetimeScope.PerConnection));
        var connection = await host.ConnectAsync();
        _ = connection.Proxy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        var service = await log.FirstInstance.WithPatience();
        Assert.True(await service.GateEntered.WaitAsync(Patience.Timeout));

        // The client leaves; its call ignores its token and goes on.
        await connection.DisposeAsync();
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 0, "the host saw the client leave");
        var stopping = host.Host.StopAsync();

        // Not released while the call runs, so the stop must wait (the shutdown timeout is a minute away).
        Assert.NotSame(stopping, await Task.WhenAny(stopping, Task.Delay(200)));
        Assert.Equal(0, log.Released);

        service.Gate.SetResult();
        await stopping.WithPatience();
        Assert.Equal(1, log.Released);
    }

    [Fact]
    public async Task A_failing_per_connection_activator_refuses_that_client_and_logs_why()
    {
        await using var host = await TestHost.StartAsync(services: (h, _) => h.AddService<IRuntimeService>(
            _ => throw new InvalidOperationException("no database"), ServiceLifetimeScope.PerConnection));

        await Assert.ThrowsAnyAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<IRuntimeService>(host.Endpoint).WithPatience());
        Assert.True(host.Logs.Contains(104, "tests.runtime"), "the activation failure is logged");
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 0, "the refused connection was closed");
    }

    [Fact]
    public async Task A_singleton_scope_needs_the_instance_itself()
    {
        await using var host = new ServiceHost();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => host.AddService<IRuntimeService>(_ => new(new RuntimeService()), ServiceLifetimeScope.Singleton));
        Assert.Contains("AddService(implementation)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_owner_a_disposable_implementation_is_disposed_itself()
    {
        var disposable = new Disposable();
        await new ServiceInstance<Disposable>(disposable).DisposeAsync();
        Assert.True(disposable.Disposed);

        // With an owner, the owner decides: the implementation is left alone.
        var owned = new Disposable();
        var owner = new Disposable();
        await new ServiceInstance<Disposable>(owned, owner).DisposeAsync();
        Assert.False(owned.Disposed);
        Assert.True(owner.Disposed);
    }

    [Fact]
    public async Task PerCall_creates_no_instance_for_a_caller_the_method_refuses()
    {
        var guarded = new GuardedActivations();
        await using var host = await TestHost.StartAsync(
            endpoint: new InMemoryEndpoint { ClientCredentials = new PeerCredentials(100, RefusedUserId, RefusedUserId) },
            services: (h, _) => h.AddService<IGuardedService>(guarded.Activate, ServiceLifetimeScope.PerCall));
        var proxy = (await host.ConnectAsync<IGuardedService>()).Proxy;

        var denied = await Patience.ThrowsAsync<AccessDeniedException>(() => proxy.GuardedAsync(1, CancellationToken.None).AsTask());

        Assert.Equal(nameof(IGuardedService.GuardedAsync), denied.Method);
        Assert.Equal($"uid {AllowedUserId}", denied.Rule);
        Assert.Equal(0, guarded.Activated);
    }

    [Fact]
    public async Task PerCall_creates_an_instance_for_an_allowed_caller_and_none_for_a_method_it_may_not_call()
    {
        var guarded = new GuardedActivations();
        await using var host = await TestHost.StartAsync(
            endpoint: new InMemoryEndpoint { ClientCredentials = new PeerCredentials(100, AllowedUserId, AllowedUserId) },
            services: (h, _) => h.AddService<IGuardedService>(guarded.Activate, ServiceLifetimeScope.PerCall));
        var proxy = (await host.ConnectAsync<IGuardedService>()).Proxy;

        Assert.Equal(7, await proxy.GuardedAsync(7, CancellationToken.None));
        await Patience.ThrowsAsync<AccessDeniedException>(() => proxy.RootOnlyAsync(1, CancellationToken.None).AsTask());

        Assert.Equal(1, guarded.Activated);
    }

    [Fact]
    public async Task PerConnection_creates_no_instance_for_a_caller_who_may_call_no_method()
    {
        var guarded = new GuardedActivations();
        await using var host = await TestHost.StartAsync(
            endpoint: new InMemoryEndpoint { ClientCredentials = new PeerCredentials(100, RefusedUserId, RefusedUserId) },
            services: (h, _) => h.AddService<IGuardedService>(guarded.Activate, ServiceLifetimeScope.PerConnection));
        var proxy = (await host.ConnectAsync<IGuardedService>()).Proxy;

        // The handshake is accepted, then each call is refused the way the method's own check refuses it.
        var guardedDenied = await Patience.ThrowsAsync<AccessDeniedException>(() => proxy.GuardedAsync(1, CancellationToken.None).AsTask());
        var rootDenied = await Patience.ThrowsAsync<AccessDeniedException>(() => proxy.RootOnlyAsync(1, CancellationToken.None).AsTask());

        Assert.Equal(nameof(IGuardedService.GuardedAsync), guardedDenied.Method);
        Assert.Equal($"uid {AllowedUserId}", guardedDenied.Rule);
        Assert.Equal(nameof(IGuardedService.RootOnlyAsync), rootDenied.Method);
        Assert.Equal("root", rootDenied.Rule);
        Assert.True(host.Logs.Contains(13, "tests.guarded"), "the refusals are logged like any other");
        Assert.Equal(0, guarded.Activated);

        // Nothing was bound to release, so the stop does not wait for anything.
        await host.Host.StopAsync().WithPatience();
        Assert.Equal(0, guarded.Released);
    }

    [Fact]
    public async Task PerConnection_creates_an_instance_for_a_caller_who_may_call_one_method()
    {
        var guarded = new GuardedActivations();
        await using var host = await TestHost.StartAsync(
            endpoint: new InMemoryEndpoint { ClientCredentials = new PeerCredentials(100, AllowedUserId, AllowedUserId) },
            services: (h, _) => h.AddService<IGuardedService>(guarded.Activate, ServiceLifetimeScope.PerConnection));
        var connection = await host.ConnectAsync<IGuardedService>();

        Assert.Equal(7, await connection.Proxy.GuardedAsync(7, CancellationToken.None));
        // The instance exists, so the method it may not call is refused by the generated check.
        await Patience.ThrowsAsync<AccessDeniedException>(() => connection.Proxy.RootOnlyAsync(1, CancellationToken.None).AsTask());
        Assert.Equal(1, guarded.Activated);

        await connection.DisposeAsync();
        await Patience.UntilAsync(() => guarded.Released == 1, "the connection's instance was released");
    }

    /// <summary>Creates <see cref="RuntimeService"/> instances, each with an owner that counts its release.</summary>
    private sealed class ActivationLog
    {
        private readonly ConcurrentQueue<ServiceCallContext> _contexts = new();
        private readonly TaskCompletionSource<RuntimeService> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _activated;
        private int _released;

        public int Activated => Volatile.Read(ref _activated);

        public int Released => Volatile.Read(ref _released);

        public IReadOnlyCollection<ServiceCallContext> Contexts => _contexts;

        /// <summary>The instances' <see cref="RuntimeService.GateObservesToken"/>.</summary>
        public bool GateObservesToken { get; init; } = true;

        /// <summary>The first instance created.</summary>
        public Task<RuntimeService> FirstInstance => _first.Task;

        public ServiceInstance<IRuntimeService> Activate(ServiceCallContext context)
        {
            // The context is the one the activator is given, and also Current for code it runs.
            Assert.Same(context, ServiceCallContext.Current);
            _contexts.Enqueue(context);
            Interlocked.Increment(ref _activated);
            var service = new RuntimeService { GateObservesToken = GateObservesToken };
            _first.TrySetResult(service);
            return new ServiceInstance<IRuntimeService>(service, new Release(this));
        }

        private sealed class Release(ActivationLog log) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                Interlocked.Increment(ref log._released);
                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>A uid the guarded contract allows (fake in-memory credentials; no test runs as it).</summary>
    private const uint AllowedUserId = 4242;

    /// <summary>A uid the guarded contract allows for no method.</summary>
    private const uint RefusedUserId = 4343;

    /// <summary>Creates <see cref="GuardedService"/> instances and counts their activations and releases.</summary>
    private sealed class GuardedActivations
    {
        private int _activated;
        private int _released;

        public int Activated => Volatile.Read(ref _activated);

        public int Released => Volatile.Read(ref _released);

        public ServiceInstance<IGuardedService> Activate(ServiceCallContext context)
        {
            Interlocked.Increment(ref _activated);
            return new ServiceInstance<IGuardedService>(new GuardedService(), new Release(this));
        }

        private sealed class Release(GuardedActivations log) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                Interlocked.Increment(ref log._released);
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class GuardedService : IGuardedService
    {
        public ValueTask<int> GuardedAsync(int value, CancellationToken cancellationToken) => ValueTask.FromResult(value);

        public ValueTask<int> RootOnlyAsync(int value, CancellationToken cancellationToken) => ValueTask.FromResult(value);
    }

    private sealed class Disposable : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}

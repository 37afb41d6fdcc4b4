using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>The generic-host integration over a real Unix socket: registration, instance scopes, options, logging.</summary>
public sealed class HostingIntegrationTests
{
    private static readonly TimeSpan Patience = TestApp.Patience;

    [Fact]
    public async Task A_service_registered_in_DI_answers_over_a_Unix_socket_and_logs_through_the_app()
    {
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.Singleton);
        await using var connection = await app.ConnectAsync();

        var first = await connection.Proxy.WhoServesAsync();
        var second = await connection.Proxy.WhoServesAsync();

        Assert.Equal(1, first.Instance);
        Assert.Equal(first, second);
        Assert.Equal(1, app.Tracker.Created);
        Assert.True(File.Exists(app.SocketPath));
        Assert.Contains(app.Logs.Messages, m => m.Category == "ContractGen.ServiceHost"
            && m.Message.Contains(app.SocketPath, StringComparison.Ordinal)
            && m.Message.Contains("com.contractgen.tests.tracked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_singleton_comes_from_the_root_provider_and_is_disposed_with_the_application_only()
    {
        var app = await TestApp.StartAsync(ServiceLifetimeScope.Singleton);
        var tracker = app.Tracker;
        await using (var connection = await app.ConnectAsync())
        {
            Assert.Equal(1, (await connection.Proxy.WhoServesAsync()).Instance);
        }

        Assert.Same(app.App.Services.GetRequiredService<TrackedService>(), app.App.Services.GetRequiredService<TrackedService>());
        Assert.False(tracker.IsDisposed(1));

        await app.DisposeAsync();
        Assert.True(tracker.IsDisposed(1));
    }

    [Fact]
    public async Task PerCall_resolves_a_new_instance_from_a_new_scope_for_every_call_and_disposes_it()
    {
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerCall);
        await using var connection = await app.ConnectAsync();

        var served = new List<Served>();
        for (var i = 0; i < 3; i++)
        {
            served.Add(await connection.Proxy.WhoServesAsync());
        }

        Assert.Equal([1, 2, 3], served.Select(s => s.Instance));
        Assert.Equal([1, 2, 3], served.Select(s => s.DependencyInstance));
        Assert.All(served, s => Assert.Equal(served[0].ConnectionId, s.ConnectionId));
        Assert.All(served, s => Assert.Equal(s.ConnectionId, s.ActivatedForConnection));
        foreach (var instance in served)
        {
            await app.Tracker.WhenDisposed(instance.Instance).WaitAsync(Patience);
        }

        // Concurrent calls on one connection each get their own instance too.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => connection.Proxy.WhoServesAsync().AsTask()));
        Assert.Equal(20, concurrent.Select(s => s.Instance).Distinct().Count());
        Assert.Equal(23, app.Tracker.Created);
    }

    [Fact]
    public async Task PerConnection_serves_each_connection_with_its_own_instance_and_disposes_it_when_the_client_leaves()
    {
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerConnection);
        var a = await app.ConnectAsync();
        await using var b = await app.ConnectAsync();

        var a1 = await a.Proxy.WhoServesAsync();
        var b1 = await b.Proxy.WhoServesAsync();
        var a2 = await a.Proxy.WhoServesAsync();
        var b2 = await b.Proxy.WhoServesAsync();

        Assert.Equal(a1, a2);
        Assert.Equal(b1, b2);
        Assert.NotEqual(a1.Instance, b1.Instance);
        Assert.NotEqual(a1.DependencyInstance, b1.DependencyInstance);
        Assert.NotEqual(a1.ConnectionId, b1.ConnectionId);
        Assert.Equal(a1.ConnectionId, a1.ActivatedForConnection);
        Assert.Equal(b1.ConnectionId, b1.ActivatedForConnection);
        Assert.Equal(2, app.Tracker.Created);

        await a.DisposeAsync();

        await app.Tracker.WhenDisposed(a1.Instance).WaitAsync(Patience);
        Assert.False(app.Tracker.IsDisposed(b1.Instance));
        Assert.Equal(b1, await b.Proxy.WhoServesAsync());
    }

    [Fact]
    public async Task A_per_connection_instance_outlives_its_client_until_the_call_in_flight_finishes()
    {
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerConnection);
        var connection = await app.ConnectAsync();
        var instance = (await connection.Proxy.WhoServesAsync()).Instance;
        var call = connection.Proxy.WaitForGateAsync(1).AsTask();
        await app.Tracker.GateEntered.Task.WaitAsync(Patience);

        // The client leaves: the call's token fires, and only once the call has returned is the scope disposed.
        await connection.DisposeAsync();
        await app.Tracker.WhenDisposed(instance).WaitAsync(Patience);
        Assert.False(app.Tracker.DisposedWhileBusy, "the scope was disposed while its call still ran");
        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => call);
        Assert.Equal(ConnectionCloseReason.LocalDispose, error.Reason);
    }

    [Fact]
    public async Task Options_are_bound_from_the_ContractGen_configuration_section_and_code_has_the_last_word()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ContractGen:ShutdownTimeout"] = "00:00:07",
            ["ContractGen:MaxFrameSize"] = "65536",
            ["ContractGen:MaxConnections"] = "3",
            ["ContractGen:IncludeExceptionDetails"] = "true",
        };
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.Singleton, settings, configure: o => o.MaxConnections = 5);

        Assert.Equal(TimeSpan.FromSeconds(7), app.Host.Options.ShutdownTimeout);
        Assert.Equal(65536, app.Host.Options.MaxFrameSize);
        Assert.True(app.Host.Options.IncludeExceptionDetails);
        Assert.Equal(5, app.Host.Options.MaxConnections);

        // The socket path came from configuration too (ContractGen:SocketPath).
        await using var connection = await app.ConnectAsync();
        Assert.Equal(1, (await connection.Proxy.WhoServesAsync()).Instance);
    }

    [Fact]
    public async Task User_quotas_are_bound_from_configuration_without_changing_the_shared_defaults()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ContractGen:DefaultUserQuota:MaxConnections"] = "3",
            ["ContractGen:DefaultUserQuota:MaxCallsInFlight"] = "7",
            ["ContractGen:DefaultUserQuota:MaxQueuedBytes"] = "1048576",
            ["ContractGen:RootUserQuota:MaxConnections"] = "9",
            ["ContractGen:UserQuotas:999:MaxConnections"] = "1",
            ["ContractGen:UserQuotas:999:MaxCallsInFlight"] = "2",
            ["ContractGen:UserQuotas:999:MaxQueuedBytes"] = "4096",
            ["ContractGen:MaxQueuedBytesPerConnection"] = "65536",
            ["ContractGen:MaxCallsInFlightPerConnection"] = "5",
        };
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.Singleton, settings);

        var options = app.Host.Options;
        Assert.Equal(new UserQuota(3, 7, 1048576), options.DefaultUserQuota);
        Assert.Equal(new UserQuota(1, 2, 4096), options.UserQuotas[999]);
        Assert.Equal(65536, options.MaxQueuedBytesPerConnection);
        Assert.Equal(5, options.MaxCallsInFlightPerConnection);

        // A partial section changes only the limits it names; the others keep the default they bound over.
        Assert.Equal(UserQuota.Unlimited with { MaxConnections = 9 }, options.RootUserQuota);

        // Binding wrote into the options' own quotas, never into the shared static ones every other host starts from.
        Assert.Equal(new UserQuota(64, 256, 64L * 1024 * 1024), UserQuota.Default);
        Assert.Equal(new UserQuota(int.MaxValue, int.MaxValue, long.MaxValue), UserQuota.Unlimited);
        Assert.True(UserQuota.Unlimited.IsUnlimited);
        Assert.Equal(UserQuota.Unlimited, new ServiceHostOptions().ServiceUserQuota);
    }

    [Fact]
    public async Task An_invalid_configured_value_fails_the_application_start_with_the_option_named()
    {
        var settings = new Dictionary<string, string?> { ["ContractGen:MaxFrameSize"] = "10" };
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TestApp.StartAsync(ServiceLifetimeScope.Singleton, settings));
        Assert.Equal("MaxFrameSize", error.ParamName);
    }

    [Fact]
    public async Task Stopping_the_application_drains_a_call_in_flight_and_refuses_new_ones()
    {
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerCall);
        await using var connection = await app.ConnectAsync();
        var inFlight = connection.Proxy.WaitForGateAsync(42).AsTask();
        await app.Tracker.GateEntered.Task.WaitAsync(Patience);

        var stopping = app.App.StopAsync();

        var refused = await RefusedCallAsync(connection.Proxy);
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, refused.Reason);
        Assert.False(inFlight.IsCompleted);
        Assert.False(stopping.IsCompleted);

        app.Tracker.OpenGate();

        Assert.Equal(42, await inFlight.WaitAsync(Patience));
        await stopping.WaitAsync(Patience);
        Assert.True(app.Host.Completion.IsCompleted);
        Assert.True(app.Tracker.IsDisposed(1), "the call's scope is disposed before the host reports it stopped");
        Assert.False(app.Tracker.DisposedWhileBusy);
    }

    [Fact]
    public async Task A_stream_that_ends_on_Draining_lets_the_application_stop_without_waiting_for_the_timeout()
    {
        // Both timeouts exceed the patience of this test: only the stream ending on Draining lets it pass.
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerConnection, configure: o => o.ShutdownTimeout = TimeSpan.FromMinutes(5), appShutdownTimeout: TimeSpan.FromMinutes(5));
        await using var connection = await app.ConnectAsync();
        var received = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var follow = Task.Run(async () =>
        {
            await foreach (var item in connection.Proxy.FollowAsync())
            {
                Assert.Equal(received++, item);
                started.TrySetResult();
            }
        });
        await started.Task.WaitAsync(Patience);

        await app.App.StopAsync().WaitAsync(Patience);

        // The stream ended normally, and by then the host no longer took clients: nobody reconnects to a dying host.
        await follow.WaitAsync(Patience);
        Assert.True(received > 0);
        var refused = await Assert.ThrowsAsync<ServiceConnectionException>(app.ConnectAsync);
        Assert.Equal(ConnectionCloseReason.ConnectFailed, refused.Reason);
    }

    [Fact]
    public async Task The_application_shutdown_timeout_bounds_the_drain()
    {
        // The host alone would wait a minute; the application gives it a moment.
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.PerCall, configure: o => o.ShutdownTimeout = TimeSpan.FromMinutes(1), appShutdownTimeout: TimeSpan.FromMilliseconds(300));
        await using var connection = await app.ConnectAsync();
        var stuck = connection.Proxy.WaitForGateAsync(1).AsTask();
        await app.Tracker.GateEntered.Task.WaitAsync(Patience);

        await app.App.StopAsync().WaitAsync(Patience);

        var error = await Assert.ThrowsAsync<ServiceConnectionException>(() => stuck.WaitAsync(Patience));
        Assert.Equal(ConnectionCloseReason.HostShuttingDown, error.Reason);
        await app.Tracker.WhenDisposed(1).WaitAsync(Patience);
    }

    [Fact]
    public async Task A_host_that_stops_when_idle_stops_the_application()
    {
        var settings = new Dictionary<string, string?> { ["ContractGen:IdleTimeout"] = "00:00:00.200" };
        await using var app = await TestApp.StartAsync(ServiceLifetimeScope.Singleton, settings);
        var lifetime = app.App.Services.GetRequiredService<IHostApplicationLifetime>();

        await Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Patience);
        await app.Host.Completion.WaitAsync(Patience);
    }

    [Fact]
    public async Task Without_any_contract_the_application_does_not_start_and_says_what_to_add()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddContractGenHost();
        using var app = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains("AddService", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_implementation_that_cannot_be_resolved_fails_the_call_not_the_host(bool includeDetails)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var directory = Directory.CreateTempSubdirectory("cgx-").FullName;
        try
        {
            var socket = Path.Combine(directory, "t.sock");
            var logs = new CapturingLoggerProvider();
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<InstanceTracker>();

            // The option as an application's configuration would set it.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ContractGen:IncludeExceptionDetails"] = includeDetails ? "true" : "false" });

            // ScopedDependency is missing: TrackedService cannot be built.
            builder.Services.AddContractGenHost().ListenOn(Transports.ServiceEndpoint.UnixSocket(socket)).AddService<ITracked, TrackedService>(ServiceLifetimeScope.PerCall);
            using var app = builder.Build();
            await app.StartAsync();
            await using (var connection = await ServiceConnection.ConnectAsync<ITracked>(Transports.ServiceEndpoint.UnixSocket(socket)))
            {
                var error = await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.WhoServesAsync().AsTask());

                // A per-user agent tells its caller why only when the application opts in; its log always says.
                Assert.Equal(includeDetails, error.Message.Contains("ScopedDependency", StringComparison.Ordinal));
                Assert.NotNull(error.FaultId);
                Assert.Contains(logs.Messages, m => m.Message.Contains(error.FaultId!, StringComparison.Ordinal) && m.Message.Contains("ScopedDependency", StringComparison.Ordinal));

                // The connection and the host go on.
                await Assert.ThrowsAsync<RemoteFaultException>(() => connection.Proxy.WhoServesAsync().AsTask());
            }

            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_per_connection_implementation_that_cannot_be_resolved_fails_the_connect_and_the_host_goes_on()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var directory = Directory.CreateTempSubdirectory("cgx-").FullName;
        try
        {
            var endpoint = Transports.ServiceEndpoint.UnixSocket(Path.Combine(directory, "t.sock"));
            builder.Services.AddSingleton<InstanceTracker>();
            builder.Services.AddContractGenHost().ListenOn(endpoint).AddService<ITracked, TrackedService>(ServiceLifetimeScope.PerConnection);
            using var app = builder.Build();
            await app.StartAsync();

            for (var attempt = 0; attempt < 2; attempt++)
            {
                var error = await Assert.ThrowsAnyAsync<ServiceConnectionException>(() => ServiceConnection.ConnectAsync<ITracked>(endpoint).WaitAsync(Patience));
                Assert.NotEqual(ConnectionCloseReason.ConnectFailed, error.Reason);
            }

            Assert.Equal(0, app.Services.GetRequiredService<ContractGenHostedService>().Host.ConnectionCount);
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Calls until the client has heard of the shutdown and refuses (the first call may still race the notice).</summary>
    private static async Task<ServiceConnectionException> RefusedCallAsync(ITracked proxy)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await proxy.WhoServesAsync();
            }
            catch (ServiceConnectionException ex)
            {
                return ex;
            }

            await Task.Delay(10);
        }

        throw new Xunit.Sdk.XunitException("New calls were still served long after the application began to stop.");
    }
}

using ContractGen.Transports;

namespace ContractGen.Tests;

public sealed class ContextAndRegistryTests
{
    [Fact]
    public async Task ServiceCallContext_carries_the_credentials_of_the_in_memory_endpoint()
    {
        var credentials = new PeerCredentials(4242, 1001, 2002) { UserName = "alice" };
        await using var host = await TestHost.StartAsync(endpoint: new InMemoryEndpoint { ClientCredentials = credentials });
        var proxy = (await host.ConnectAsync()).Proxy;

        var view = await proxy.WhoAmIAsync().WithPatience();

        Assert.True(view.HasContext);
        Assert.Equal(RuntimeServiceContract.Name, view.Contract);
        Assert.Equal(4242, view.ProcessId);
        Assert.Equal(1001u, view.UserId);
        Assert.Equal(2002u, view.GroupId);
        Assert.Equal("alice", view.UserName);
    }

    [Fact]
    public async Task ServiceCallContext_has_a_context_without_caller_when_the_transport_cannot_tell()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;

        var view = await proxy.WhoAmIAsync().WithPatience();

        Assert.True(view.HasContext);
        Assert.Equal(-1, view.ProcessId);
    }

    [Fact]
    public async Task ServiceCallContext_over_a_unix_socket_carries_the_kernels_word_on_this_process()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var connection = await host.ConnectAsync();

        var view = await connection.Proxy.WhoAmIAsync().WithPatience();

        Assert.Equal(Environment.ProcessId, view.ProcessId);
        Assert.Equal(Environment.ProcessId, connection.ServiceCredentials?.ProcessId);
    }

    [Fact]
    public async Task Each_connection_sees_its_own_caller()
    {
        var alice = new InMemoryEndpoint { ClientCredentials = new PeerCredentials(1, 1001, 1001) };
        await using var host = await TestHost.StartAsync(endpoint: alice);
        var proxy = (await host.ConnectAsync()).Proxy;

        var views = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => proxy.WhoAmIAsync().AsTask())).WithPatience();

        Assert.All(views, v => Assert.Equal(1001u, v.UserId));
    }

    [Fact]
    public void ServiceCallContext_is_null_outside_a_call()
        => Assert.Null(ServiceCallContext.Current);

    [Fact]
    public async Task ServiceCallContext_does_not_leak_into_the_code_that_started_the_host()
    {
        await using var host = await TestHost.StartAsync(endpoint: new InMemoryEndpoint { ClientCredentials = new PeerCredentials(7, 7, 7) });
        var proxy = (await host.ConnectAsync()).Proxy;

        await proxy.WhoAmIAsync().WithPatience();

        Assert.Null(ServiceCallContext.Current);
    }

    [Fact]
    public void ContractRegistry_Get_on_an_interface_without_generated_code_throws_ContractNotGeneratedException()
    {
        var error = Assert.Throws<ContractNotGeneratedException>(ContractRegistry.Get<INotAContract>);

        Assert.Equal(typeof(INotAContract), error.ContractType);
        Assert.Contains(typeof(INotAContract).FullName!, error.Message, StringComparison.Ordinal);
        Assert.False(ContractRegistry.TryGet<INotAContract>(out _));
    }

    [Fact]
    public async Task Connecting_or_serving_an_interface_without_generated_code_throws_ContractNotGeneratedException()
    {
        await Assert.ThrowsAsync<ContractNotGeneratedException>(() => ServiceConnection.ConnectAsync<INotAContract>(new InMemoryEndpoint()));

        await using var host = new ServiceHost();
        Assert.Throws<ContractNotGeneratedException>(() => host.AddService<INotAContract>(new NotAContract()));
    }

    [Fact]
    public void ContractRegistry_Get_returns_the_generated_descriptor()
    {
        var descriptor = ContractRegistry.Get<IRuntimeService>();

        Assert.Same(RuntimeServiceContract.Descriptor, descriptor);
        Assert.Equal("tests.runtime", descriptor.Name);
        Assert.Equal(typeof(IRuntimeService), descriptor.ContractType);
        Assert.True(descriptor.TryGetMethod(RuntimeServiceContract.MethodIds.AddAsync, out var method));
        Assert.Equal(nameof(IRuntimeService.AddAsync), method.Name);
    }

    private sealed class NotAContract : INotAContract
    {
        public Task DoAsync() => Task.CompletedTask;
    }
}

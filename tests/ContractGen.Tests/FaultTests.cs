using ContractGen.Protocol;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

namespace ContractGen.Tests;

/// <summary>A system daemon's faults: what an undeclared exception tells the caller, and declared faults.</summary>
[ServiceContract(Name = "tests.faults", Context = ServiceContext.System, MaxStringLength = 4096)]
[AllowAnyLocalUser]
public partial interface IFaultService
{
    /// <summary>Throws an <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    ValueTask<int> ThrowAsync(string message);

    /// <summary>Throws <c>new ServiceFaultException(code, message)</c>.</summary>
    ValueTask<int> DeclareAsync(string code, string message);
}

/// <summary>The same methods in a per-user agent.</summary>
[ServiceContract(Name = "tests.faults.agent", Context = ServiceContext.User, MaxStringLength = 4096)]
[AllowAnyLocalUser]
public partial interface IAgentFaultService
{
    ValueTask<int> ThrowAsync(string message);

    ValueTask<int> DeclareAsync(string code, string message);
}

/// <summary>The same methods in a private helper.</summary>
[ServiceContract(Name = "tests.faults.helper", Context = ServiceContext.Application, MaxStringLength = 4096)]
[AllowAnyLocalUser]
public partial interface IHelperFaultService
{
    ValueTask<int> ThrowAsync(string message);

    ValueTask<int> DeclareAsync(string code, string message);
}

internal sealed class FaultService : IFaultService, IAgentFaultService, IHelperFaultService
{
    public ValueTask<int> ThrowAsync(string message) => ThrowFromTheImplementation(message);

    public ValueTask<int> DeclareAsync(string code, string message) => throw new ServiceFaultException(code, message);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ValueTask<int> ThrowFromTheImplementation(string message) => throw new InvalidOperationException(message);
}

public sealed class FaultTests
{
    private const string Secret = "cannot open /var/lib/clock/secret.db as uid 0";

    private static Task<TestHost> StartAsync(Action<ServiceHostOptions>? configure = null)
        => TestHost.StartAsync(configure, services: (host, _) =>
        {
            var service = new FaultService();
            host.AddService<IFaultService>(service);
            host.AddService<IAgentFaultService>(service);
            host.AddService<IHelperFaultService>(service);
        });

    [Fact]
    public async Task A_system_daemon_tells_the_caller_only_that_the_call_failed_and_logs_the_exception_under_the_fault_id()
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(Secret).AsTask());

        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.Equal(nameof(IFaultService.ThrowAsync), fault.Method);
        Assert.Matches("^[0-9a-f]{16}$", fault.FaultId);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), fault.Message, StringComparison.Ordinal);
        Assert.Contains(fault.FaultId!, fault.Message, StringComparison.Ordinal);

        // The operator's side: one error entry with the id and the whole exception.
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId == 7);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains(fault.FaultId!, logged.Message, StringComparison.Ordinal);
        Assert.Contains("tests.faults.ThrowAsync", logged.Message, StringComparison.Ordinal);
        Assert.Equal(Secret, Assert.IsType<InvalidOperationException>(logged.Exception).Message);

        // Every fault gets its own id.
        var second = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(Secret).AsTask());
        Assert.NotEqual(fault.FaultId, second.FaultId);
    }

    [Fact]
    public async Task The_error_frame_itself_carries_no_type_and_no_message()
    {
        // Not only the client library hides them: they never leave the daemon.
        await using var host = await StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IFaultService>();
        var argument = RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) => w.WriteString(Secret));

        await raw.SendFrameAsync(FrameKind.Request, 1, FaultServiceContract.MethodIds.ThrowAsync, argument);
        var frame = await raw.ReadFrameAsync().WithPatience();

        Assert.NotNull(frame);
        Assert.Equal(FrameKind.Error, frame.Kind);
        var error = RawClient.DecodeError(frame.Payload);
        Assert.Equal(ErrorCode.RemoteFault, error.Code);
        Assert.Equal(string.Empty, error.TypeName);
        Assert.Equal(string.Empty, error.Message);
        Assert.Null(error.StackTrace);
        var bytes = System.Text.Encoding.Latin1.GetString(frame.Payload);
        Assert.DoesNotContain("secret", bytes, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid", bytes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_per_user_agent_says_nothing_by_default_either()
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IAgentFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(Secret).AsTask());

        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.NotNull(fault.FaultId);
    }

    [Fact]
    public async Task With_IncludeExceptionTypes_the_type_name_travels_but_not_the_message()
    {
        await using var host = await StartAsync(o => o.IncludeExceptionTypes = true);
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(Secret).AsTask());

        Assert.Equal(typeof(InvalidOperationException).FullName, fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.Null(fault.RemoteStackTrace);
        Assert.NotNull(fault.FaultId);
        Assert.Contains(typeof(InvalidOperationException).FullName!, fault.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_IncludeExceptionDetails_type_message_and_stack_travel()
    {
        await using var host = await StartAsync(o => o.IncludeExceptionDetails = true);
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(Secret).AsTask());

        Assert.Equal(typeof(InvalidOperationException).FullName, fault.RemoteExceptionType);
        Assert.Equal(Secret, fault.RemoteMessage);
        Assert.Contains("ThrowFromTheImplementation", fault.RemoteStackTrace, StringComparison.Ordinal);
        Assert.NotNull(fault.FaultId);
        Assert.Contains(Secret, fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_helper_sends_type_and_message_by_default_and_the_stack_only_with_details()
    {
        await using (var host = await StartAsync())
        {
            var proxy = (await host.ConnectAsync<IHelperFaultService>()).Proxy;
            var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync("bad mailbox").AsTask());

            Assert.Equal(typeof(InvalidOperationException).FullName, fault.RemoteExceptionType);
            Assert.Equal("bad mailbox", fault.RemoteMessage);
            Assert.Null(fault.RemoteStackTrace);
            Assert.NotNull(fault.FaultId);
        }

        await using (var host = await StartAsync(o => o.IncludeExceptionDetails = true))
        {
            var proxy = (await host.ConnectAsync<IHelperFaultService>()).Proxy;
            var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync("bad mailbox").AsTask());

            Assert.Contains("ThrowFromTheImplementation", fault.RemoteStackTrace, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_declared_fault_reaches_the_caller_with_its_code_and_message_and_is_logged_below_an_error()
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("zone-not-found", "Unknown time zone 'Nowhere'.").AsTask());

        Assert.Equal("zone-not-found", fault.Code);
        Assert.Equal("Unknown time zone 'Nowhere'.", fault.Message);
        Assert.Equal(nameof(IFaultService.DeclareAsync), fault.Method);

        // An answer the contract gives, not a failure of the daemon.
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId == 30);
        Assert.True(logged.Level < LogLevel.Information, $"logged at {logged.Level}");
        Assert.Contains("zone-not-found", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId == 7);

        // The connection carries on.
        await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("a", "b").AsTask());
    }

    [Fact]
    public async Task A_declared_fault_travels_the_same_from_a_helper_and_whatever_the_options()
    {
        await using var host = await StartAsync(o => o.IncludeExceptionDetails = true);
        var helper = (await host.ConnectAsync<IHelperFaultService>()).Proxy;
        var daemon = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fromHelper = await Patience.ThrowsAsync<ServiceFaultException>(() => helper.DeclareAsync("mailbox.missing", "No such mailbox.").AsTask());
        var fromDaemon = await Patience.ThrowsAsync<ServiceFaultException>(() => daemon.DeclareAsync("x_1", "m").AsTask());

        Assert.Equal(("mailbox.missing", "No such mailbox."), (fromHelper.Code, fromHelper.Message));
        Assert.Equal(("x_1", "m"), (fromDaemon.Code, fromDaemon.Message));
    }

    [Fact]
    public async Task A_declared_message_longer_than_the_cap_is_cut_to_it_without_splitting_a_surrogate_pair()
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        // 1023 letters then an emoji (two chars) across the cap at 1024.
        var message = new string('m', ServiceFaultException.MaxMessageLength - 1) + "\U0001F600" + new string('n', 100);
        var fault = await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("too-long", message).AsTask());

        Assert.Equal(new string('m', ServiceFaultException.MaxMessageLength - 1), fault.Message);

        var exact = new string('e', ServiceFaultException.MaxMessageLength);
        Assert.Equal(exact, (await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("exact", exact + "!").AsTask())).Message);
    }

    [Fact]
    public async Task A_fault_larger_than_the_client_accepts_still_reaches_it_smaller()
    {
        // Regression: the error frame was refused as too large for the client and dropped, so the call never completed.
        await using var host = await StartAsync(o => o.IncludeExceptionDetails = true);
        var small = new ServiceConnectionOptions { MaxFrameSize = 1024 };
        var proxy = (await host.ConnectAsync<IFaultService>(small)).Proxy;

        // 1,024 characters of two UTF-8 bytes each: within the declared cap, twice the client's frame limit.
        var declared = await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("big", new string('é', 1024)).AsTask());
        Assert.Equal("big", declared.Code);
        Assert.Contains("larger than this client accepts", declared.Message, StringComparison.Ordinal);

        var undeclared = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.ThrowAsync(new string('x', 3000)).AsTask());
        Assert.Null(undeclared.RemoteMessage);
        Assert.True(host.Logs.Contains(7, undeclared.FaultId!));

        // Before the fix the refused send threw out of the call's completion and ended the host's process: a private
        // helper sends messages by default, so any long one did it.
        var helper = (await host.ConnectAsync<IHelperFaultService>(small)).Proxy;
        var fromHelper = await Patience.ThrowsAsync<RemoteFaultException>(() => helper.ThrowAsync(new string('y', 3000)).AsTask());
        Assert.NotNull(fromHelper.FaultId);
        Assert.Equal(2, (await Patience.ThrowsAsync<RemoteFaultException>(() => helper.ThrowAsync("ok").AsTask())).RemoteMessage!.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("-dash")]
    [InlineData("has space")]
    [InlineData("zöne-not-found")]
    [InlineData("path/like")]
    [InlineData("line\nbreak")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234x")]
    public async Task A_declared_fault_with_an_invalid_code_reaches_the_caller_as_an_undeclared_fault_and_the_host_logs_why(string code)
    {
        await using var host = await StartAsync();
        var proxy = (await host.ConnectAsync<IFaultService>()).Proxy;

        var fault = await Patience.ThrowsAsync<RemoteFaultException>(() => proxy.DeclareAsync(code, Secret).AsTask());

        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.DoesNotContain("secret", fault.Message, StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId == 31);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains(fault.FaultId!, logged.Message, StringComparison.Ordinal);
        Assert.Contains("invalid code", logged.Message, StringComparison.Ordinal);
        Assert.IsType<ServiceFaultException>(logged.Exception);

        // The connection carries on.
        Assert.Equal("ok", (await Patience.ThrowsAsync<ServiceFaultException>(() => proxy.DeclareAsync("ok", "fine").AsTask())).Code);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("zone-not-found", true)]
    [InlineData("Mail.Box_2-x", true)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", true)]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("_x", false)]
    [InlineData("x y", false)]
    [InlineData("x+y", false)]
    [InlineData("Ωmega", false)]
    public void The_code_rule(string? code, bool valid) => Assert.Equal(valid, ServiceFaultException.IsValidCode(code));

    [Fact]
    public void A_declared_fault_needs_a_code_and_a_message()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceFaultException(null!, "m"));
        Assert.Throws<ArgumentNullException>(() => new ServiceFaultException("c", null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1bad")]
    [InlineData(null)]
    public async Task A_service_that_sends_a_declared_fault_with_an_invalid_code_is_a_protocol_violation_to_the_client(string? code)
    {
        var (connection, server) = await ConnectToRawServerAsync();
        await using var _ = connection;
        var call = connection.Proxy.DeclareAsync("c", "m").AsTask();
        var request = await server.ReadFrameAsync().WithPatience();
        Assert.NotNull(request);

        await server.SendFrameAsync(FrameKind.Error, request.Header.CallId, request.Header.MethodId, ErrorPayload(ErrorCode.ServiceFault, "m", code is null ? [] : [code]));

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => call);
        Assert.Equal(ConnectionCloseReason.ProtocolViolationByPeer, error.Reason);
        Assert.Contains("declared fault", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_sends_a_declared_fault_with_an_overlong_message_is_a_protocol_violation_to_the_client()
    {
        var (connection, server) = await ConnectToRawServerAsync();
        await using var _ = connection;
        var call = connection.Proxy.DeclareAsync("c", "m").AsTask();
        var request = await server.ReadFrameAsync().WithPatience();
        Assert.NotNull(request);

        await server.SendFrameAsync(FrameKind.Error, request.Header.CallId, request.Header.MethodId,
            ErrorPayload(ErrorCode.ServiceFault, new string('m', ServiceFaultException.MaxMessageLength + 1), ["ok"]));

        var error = await Patience.ThrowsAsync<ServiceConnectionException>(() => call);
        Assert.Equal(ConnectionCloseReason.ProtocolViolationByPeer, error.Reason);
        Assert.Contains("1025 characters", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A real client connected to a hand-driven server that has accepted its handshake.</summary>
    private static async Task<(ServiceConnection<IFaultService> Connection, RawClient Server)> ConnectToRawServerAsync()
    {
        var endpoint = new InMemoryEndpoint();
        var listener = await endpoint.ListenAsync(CancellationToken.None);
        var connecting = ServiceConnection.ConnectAsync<IFaultService>(endpoint);
        var server = new RawClient(await listener.AcceptAsync(CancellationToken.None).AsTask().WithPatience());
        var hello = await server.ReadFrameAsync().WithPatience();
        Assert.Equal(FrameKind.Hello, hello?.Kind);
        var contract = ContractRegistry.Get<IFaultService>();
        var ack = RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged((byte)0);
            w.WriteUnmanaged(ProtocolConstants.Version);
            w.WriteString(contract.Name);
            w.WriteUnmanaged(contract.Fingerprint);
            w.WriteUnmanagedArray(contract.Methods.Select(m => m.Id).ToArray());
            w.WriteUnmanaged(ProtocolConstants.DefaultMaxFrameSize);
            w.WriteString(string.Empty);
        });
        await server.SendFrameAsync(FrameKind.HelloAck, 0, 0, ack);
        return (await connecting.WithPatience(), server);
    }

    private static byte[] ErrorPayload(ErrorCode code, string message, string[] details)
        => RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged((byte)code);
            w.WriteString(string.Empty);
            w.WriteString(message);
            w.WriteString(null);
            w.WriteValue(details);
        });
}

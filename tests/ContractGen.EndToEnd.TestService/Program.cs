using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ContractGen;
using ContractGen.EndToEnd;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;

// The daemon that end-to-end tests start as a separate process:
//   ContractGen.EndToEnd.TestService --socket PATH [--agent-socket PATH] [--shutdown-timeout-ms N] [--include-exception-types]
//   [--include-exception-details] [--user-quota CONNECTIONS,CALLS,BYTES] [--keepalive-timeout-ms N] [--fail-call-socket PATH]
//   [--fail-malformed-calls]
// Prints "ready" once it listens; stops gracefully on SIGTERM.
// And a client the tests run as another user:
//   ContractGen.EndToEnd.TestService call --socket PATH --method NAME [--no-verify-server] → prints the result or the exception type
if (args.FirstOrDefault() == "call")
{
    return await TestClient.RunAsync(args);
}

// Hostile clients for the resource tests, run as another user:
//   hold --socket PATH --connections N          → one line per connection ("ok" or "error TYPE: MESSAGE"), then holds them until stdin closes
//   flood --socket PATH --connections N --requests K --size B [--then-call]
//        → handshakes, prints "flooding", sends K EchoBytes calls per connection and never reads; with --then-call, then
//          calls EchoInt32 through a generated client until refused, and prints "error TYPE: QUOTA MESSAGE" (or "ok ...")
if (args.FirstOrDefault() is "hold" or "flood")
{
    return await HostileClient.RunAsync(args);
}

// An impostor for the server identity tests, run as another user:
//   impostor --socket PATH → listens, prints "ready", accepts one connection and prints "received N" (the bytes it got until the client closed)
if (args.FirstOrDefault() == "impostor")
{
    var path = args[Array.IndexOf(args, "--socket") + 1];
    using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
    listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
    if (!OperatingSystem.IsWindows())
    {
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
    }

    listener.Listen(4);
    Console.WriteLine("ready");
    using var accepted = await listener.AcceptAsync();
    var buffer = new byte[4096];
    long total = 0;
    int n;
    while ((n = await accepted.ReceiveAsync(buffer)) > 0)
    {
        total += n;
    }

    Console.WriteLine("received " + total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

var socket = args[Array.IndexOf(args, "--socket") + 1];
var shutdownTimeoutIndex = Array.IndexOf(args, "--shutdown-timeout-ms");
var shutdownTimeout = shutdownTimeoutIndex >= 0 ? TimeSpan.FromMilliseconds(int.Parse(args[shutdownTimeoutIndex + 1], System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(10);

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var hostOptions = new ServiceHostOptions
{
    ShutdownTimeout = shutdownTimeout,
    MaxFrameSize = 256 * 1024,
    IncludeExceptionTypes = args.Contains("--include-exception-types"),
    IncludeExceptionDetails = args.Contains("--include-exception-details"),
};
var keepAliveIndex = Array.IndexOf(args, "--keepalive-timeout-ms");
if (keepAliveIndex >= 0)
{
    hostOptions.KeepAliveTimeout = TimeSpan.FromMilliseconds(int.Parse(args[keepAliveIndex + 1], System.Globalization.CultureInfo.InvariantCulture));
}

var quotaIndex = Array.IndexOf(args, "--user-quota");
if (quotaIndex >= 0)
{
    // connections,calls,bytes for every user but root and this service's own.
    var parts = args[quotaIndex + 1].Split(',').Select(p => long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    hostOptions.DefaultUserQuota = new UserQuota((int)parts[0], (int)parts[1], parts[2]);
}

if (args.Contains("--fail-malformed-calls"))
{
    // Answer a malformed request with BadRequest and keep the connection, so a test can send many on one.
    hostOptions.MalformedMessagePolicy = MalformedMessagePolicy.FailCall;
}

await using var host = new ServiceHost(hostOptions, loggerFactory);
host.AddService<IAllTypes>(new AllTypes());
host.AddService<IBehaviour>(new Behaviour());
host.AddService<IPrivileged>(new Privileged());
host.AddService<IValidated>(new Validated());
host.AddService<IMessaging>(new Messaging());
host.AddService<IStreams>(new Streams());
host.AddService<IFaults>(new Faults());
host.AddService<ISoak>(new Soak());
await host.StartAsync(ServiceEndpoint.UnixSocket(socket));

// The soak's second host in the same process: malformed arguments fail only their call, so one connection carries
// many mutated requests (the default policy closes the connection at the first).
var failCallIndex = Array.IndexOf(args, "--fail-call-socket");
await using var failCallHost = new ServiceHost(new ServiceHostOptions { MaxFrameSize = hostOptions.MaxFrameSize, MalformedMessagePolicy = MalformedMessagePolicy.FailCall }, loggerFactory);
if (failCallIndex >= 0)
{
    failCallHost.AddService<ISoak>(new Soak());
    await failCallHost.StartAsync(ServiceEndpoint.UnixSocket(args[failCallIndex + 1]));
}

// A per-user agent on its own socket: private to this user unless the test loosens the file mode.
var agentSocketIndex = Array.IndexOf(args, "--agent-socket");
await using var agentHost = new ServiceHost(null, loggerFactory);
if (agentSocketIndex >= 0)
{
    agentHost.AddService<IAgent>(new Agent());
    agentHost.AddService<IHelperFaults>(new Faults());
    var open = args.Contains("--agent-socket-open");
    await agentHost.StartAsync(new UnixSocketEndpoint(args[agentSocketIndex + 1])
    {
        Permissions = open ? (UnixFileMode)0b110_110_110 : null,
    });
}

var stopped = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopped.TrySetResult();
});
Console.WriteLine("ready");
await stopped.Task;
await host.StopAsync();
Console.WriteLine("stopped");
return 0;

internal sealed class AllTypes : IAllTypes
{
    public ValueTask<bool> EchoBool(bool value) => ValueTask.FromResult(value);
    public ValueTask<byte> EchoByte(byte value) => ValueTask.FromResult(value);
    public ValueTask<sbyte> EchoSByte(sbyte value) => ValueTask.FromResult(value);
    public ValueTask<short> EchoInt16(short value) => ValueTask.FromResult(value);
    public ValueTask<ushort> EchoUInt16(ushort value) => ValueTask.FromResult(value);
    public ValueTask<int> EchoInt32(int value) => ValueTask.FromResult(value);
    public ValueTask<uint> EchoUInt32(uint value) => ValueTask.FromResult(value);
    public ValueTask<long> EchoInt64(long value) => ValueTask.FromResult(value);
    public ValueTask<ulong> EchoUInt64(ulong value) => ValueTask.FromResult(value);
    public ValueTask<float> EchoSingle(float value) => ValueTask.FromResult(value);
    public ValueTask<double> EchoDouble(double value) => ValueTask.FromResult(value);
    public ValueTask<decimal> EchoDecimal(decimal value) => ValueTask.FromResult(value);
    public ValueTask<char> EchoChar(char value) => ValueTask.FromResult(value);
    public ValueTask<string> EchoString(string value) => ValueTask.FromResult(value);
    public ValueTask<string?> EchoNullableString(string? value) => ValueTask.FromResult(value);
    public ValueTask<byte[]> EchoBytes(byte[] value) => ValueTask.FromResult(value);

    // The argument is a slice of the receive buffer, valid only during the call: copy what outlives it.
    public ValueTask<ReadOnlyMemory<byte>> EchoMemory(ReadOnlyMemory<byte> value) => ValueTask.FromResult<ReadOnlyMemory<byte>>(value.ToArray());
    public ValueTask<Color> EchoEnum(Color value) => ValueTask.FromResult(value);
    public ValueTask<DateTime> EchoDateTime(DateTime value) => ValueTask.FromResult(value);
    public ValueTask<DateTimeOffset> EchoDateTimeOffset(DateTimeOffset value) => ValueTask.FromResult(value);
    public ValueTask<TimeSpan> EchoTimeSpan(TimeSpan value) => ValueTask.FromResult(value);
    public ValueTask<Guid> EchoGuid(Guid value) => ValueTask.FromResult(value);
    public ValueTask<int?> EchoNullableInt(int? value) => ValueTask.FromResult(value);
    public ValueTask<Color?> EchoNullableEnum(Color? value) => ValueTask.FromResult(value);
    public ValueTask<int[]> EchoIntArray(int[] value) => ValueTask.FromResult(value);
    public ValueTask<string[]> EchoStringArray(string[] value) => ValueTask.FromResult(value);
    public ValueTask<List<string>> EchoList(List<string> value) => ValueTask.FromResult(value);
    public ValueTask<Dictionary<string, int>> EchoDictionary(Dictionary<string, int> value) => ValueTask.FromResult(value);
    public ValueTask<Order> EchoOrder(Order value) => ValueTask.FromResult(value);
    public ValueTask<List<Order>> EchoOrders(List<Order> value) => ValueTask.FromResult(value);
    public Task<string> Concat(string a, int b, Guid c, Color d) => Task.FromResult($"{a}|{b}|{c}|{d}");
    public Task DoNothing() => Task.CompletedTask;
    public ValueTask DoNothingValue() => ValueTask.CompletedTask;
}

internal sealed class Behaviour : IBehaviour
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _gateEntries;

    public async ValueTask<int> DelayedEcho(int value, int milliseconds)
    {
        await Task.Delay(milliseconds);
        return value;
    }

    public async Task WaitForCancellation(string key, CancellationToken cancellationToken)
    {
        var fired = _cancelled.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                fired.TrySetResult();
            }
        }
    }

    public async ValueTask<bool> WasCancelled(string key)
    {
        var fired = _cancelled.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return await Task.WhenAny(fired.Task, Task.Delay(TimeSpan.FromSeconds(10))) == fired.Task;
    }

    public ValueTask<int> Fail(string message) => throw new InvalidOperationException(message);

    public ValueTask<CallerInfo> WhoAmI()
    {
        var caller = ServiceCallContext.Current?.Caller ?? throw new InvalidOperationException("No caller identity on a Unix domain socket.");
        return ValueTask.FromResult(new CallerInfo(caller.ProcessId, caller.UserId, caller.GroupId));
    }

    public ValueTask<int> ServicePid() => ValueTask.FromResult(Environment.ProcessId);

    public async ValueTask<int> WaitForGate(int value)
    {
        var gate = Volatile.Read(ref _gate);
        Interlocked.Increment(ref _gateEntries);
        await gate.Task;
        return value;
    }

    public async ValueTask<bool> GateEntered(int count)
    {
        for (var i = 0; i < 1000 && Volatile.Read(ref _gateEntries) < count; i++)
        {
            await Task.Delay(10);
        }

        return Volatile.Read(ref _gateEntries) >= count;
    }

    public ValueTask ReleaseGate()
    {
        Interlocked.Exchange(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return ValueTask.CompletedTask;
    }
}

internal sealed class Privileged : IPrivileged
{
    public ValueTask<uint> WhoCalls() => ValueTask.FromResult(ServiceCallContext.Current!.Caller!.UserId);

    public ValueTask<string> RootOnly(string payload) => ValueTask.FromResult("root:" + payload);

    public ValueTask<string> AdminsOnly(string payload) => ValueTask.FromResult("admin:" + payload);
}

internal sealed class Faults : IFaults, IHelperFaults
{
    public ValueTask<int> Fail(string message) => throw new ArgumentException(message);

    public ValueTask<int> FailDeclared(string code, string message) => throw new ServiceFaultException(code, message);
}

internal sealed class Agent : IAgent
{
    public ValueTask<uint> WhoCalls() => ValueTask.FromResult(ServiceCallContext.Current!.Caller!.UserId);
}

/// <summary>Calls one method and prints "ok RESULT" or "error TYPE: MESSAGE", so a test can run it as another user.</summary>
internal static class TestClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        var socket = args[Array.IndexOf(args, "--socket") + 1];
        var method = args[Array.IndexOf(args, "--method") + 1];

        // --no-verify-server: for tests of what the service itself refuses, past the client's own check of the server.
        var options = new ServiceConnectionOptions { VerifyServerIdentity = !args.Contains("--no-verify-server") };
        try
        {
            var endpoint = ServiceEndpoint.UnixSocket(socket);
            object result;
            if (method == "Agent.WhoCalls")
            {
                await using var agent = await ServiceConnection.ConnectAsync<IAgent>(endpoint, options);
                result = await agent.Proxy.WhoCalls();
            }
            else
            {
                await using var connection = await ServiceConnection.ConnectAsync<IPrivileged>(endpoint, options);
                result = method switch
                {
                    "WhoCalls" => await connection.Proxy.WhoCalls(),
                    "RootOnly" => await connection.Proxy.RootOnly("x"),
                    "AdminsOnly" => await connection.Proxy.AdminsOnly("x"),
                    _ => throw new ArgumentException("unknown method " + method),
                };
            }

            Console.WriteLine("ok " + result);
            return 0;
        }
        catch (ContractGenException ex)
        {
            Console.WriteLine($"error {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}

internal sealed class Validated : IValidated
{
    public ValueTask<int> PlaceOrder(string customer, int quantity, OrderRequest order, string file) => ValueTask.FromResult(order.Lines.Count);

    public ValueTask<int> Tag(string tag, string? color, Shade shade, Access access) => ValueTask.FromResult(tag.Length);

    public ValueTask<int> Unbounded(string text, List<int> numbers, byte[] blob) => ValueTask.FromResult(text.Length + numbers.Count + blob.Length);

    public ValueTask<int> Encoded(string data, string[] names, double ratio) => ValueTask.FromResult(names.Length);

    public ValueTask<int> Labels(List<string> tags, Dictionary<string, byte[]> blobs, List<List<string>> grid)
        => ValueTask.FromResult(tags.Sum(t => t.Length) + blobs.Sum(b => b.Key.Length + b.Value.Length) + grid.Sum(row => row.Sum(cell => cell.Length)));

    public ValueTask<int> Extra(string name, List<int> items, int shadeCode, string note) => ValueTask.FromResult(items.Count + shadeCode);
}

internal sealed class Messaging : IMessaging
{
    private readonly ConcurrentDictionary<string, List<int>> _logs = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _fired = new();

    public Task Record(string key, int sequence)
    {
        var log = _logs.GetOrAdd(key, _ => []);
        lock (log)
        {
            log.Add(sequence);
        }

        return Task.CompletedTask;
    }

    public ValueTask Explode(string key) => throw new InvalidOperationException("one-way failure for " + key);

    public async ValueTask<int[]> Recorded(string key, int count)
    {
        var log = _logs.GetOrAdd(key, _ => []);
        for (var i = 0; i < 500; i++)
        {
            lock (log)
            {
                if (log.Count >= count)
                {
                    return [.. log];
                }
            }

            await Task.Delay(10);
        }

        lock (log)
        {
            return [.. log];
        }
    }

    public async Task WaitForever(string key, CancellationToken cancellationToken)
    {
        var fired = _fired.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var registration = cancellationToken.Register(() => fired.TrySetResult());
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public async ValueTask<bool> TokenFired(string key)
    {
        var fired = _fired.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return await Task.WhenAny(fired.Task, Task.Delay(TimeSpan.FromSeconds(10))) == fired.Task;
    }
}

internal sealed class Streams : IStreams
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _produced = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();

    public async IAsyncEnumerable<int> Count(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<OrderLine> FailAfter(int before)
    {
        for (var i = 0; i < before; i++)
        {
            yield return new OrderLine("ABC-" + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), 1, null);
        }

        await Task.Yield();
        throw new InvalidOperationException($"the source broke after {before} items");
    }

    public async IAsyncEnumerable<int> Endless(string key, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var produced = _produced.GetOrAdd(key, _ => new StrongBox<int>());
        var cancelled = _cancelled.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        for (var i = 0; ; i++)
        {
            Interlocked.Increment(ref produced.Value);
            yield return i;
            await Task.Yield();
        }
    }

    public ValueTask<int> Produced(string key) => ValueTask.FromResult(Volatile.Read(ref _produced.GetOrAdd(key, _ => new StrongBox<int>()).Value));

    public async ValueTask<bool> ProducerCancelled(string key)
    {
        var cancelled = _cancelled.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return await Task.WhenAny(cancelled.Task, Task.Delay(TimeSpan.FromSeconds(10))) == cancelled.Task;
    }
}

/// <summary>Clients that misbehave on purpose, so that a test can run them as another uid.</summary>
internal static class HostileClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
        var socket = Arg("--socket", "");
        var count = int.Parse(Arg("--connections", "1"), System.Globalization.CultureInfo.InvariantCulture);
        var held = new List<IAsyncDisposable>();
        if (args[0] == "hold")
        {
            for (var i = 0; i < count; i++)
            {
                try
                {
                    var connection = await ServiceConnection.ConnectAsync<IPrivileged>(ServiceEndpoint.UnixSocket(socket));
                    await connection.Proxy.WhoCalls();
                    held.Add(connection);
                    Console.WriteLine("ok");
                }
                catch (ContractGenException ex)
                {
                    Console.WriteLine($"error {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        else
        {
            var requests = int.Parse(Arg("--requests", "1000"), System.Globalization.CultureInfo.InvariantCulture);
            var size = int.Parse(Arg("--size", "16384"), System.Globalization.CultureInfo.InvariantCulture);
            var sockets = new List<System.Net.Sockets.Socket>();
            for (var i = 0; i < count; i++)
            {
                var raw = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await raw.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
                await using var connection = new RawHandshake(raw);
                await connection.HelloAsync(AllTypesContract.Name);
                sockets.Add(raw);
            }

            // EchoBytes(byte[size]): a reply as large as the request, for requests the client will never read. Each
            // connection has its own frame: one shared buffer rewritten while another connection's send reads it
            // would send corrupt call ids.
            Console.WriteLine("flooding");
            _ = Task.WhenAll(sockets.Select(async (raw, index) =>
            {
                var frame = new byte[ContractGen.Protocol.FrameHeader.Size + 4 + size];
                BitConverter.TryWriteBytes(frame.AsSpan(ContractGen.Protocol.FrameHeader.Size), size);
                try
                {
                    for (var id = 1u; id <= requests; id++)
                    {
                        new ContractGen.Protocol.FrameHeader((uint)(4 + size), ContractGen.Protocol.FrameKind.Request, 0, id, AllTypesContract.MethodIds.EchoBytes).Write(frame);
                        await raw.SendAsync(frame);
                    }
                }
                catch (System.Net.Sockets.SocketException ex)
                {
                    Console.WriteLine($"flood connection {index}: sending failed ({ex.SocketErrorCode})");
                }
            }));

            if (args.Contains("--then-call"))
            {
                // The same user calls through a generated client while its flood holds reply bytes in the daemon:
                // until the daemon has queued past the user's byte quota the call is served, then it is refused.
                await using var client = await ServiceConnection.ConnectAsync<IAllTypes>(ServiceEndpoint.UnixSocket(socket));
                var answer = "ok served every time";
                for (var attempt = 0; attempt < 600; attempt++)
                {
                    try
                    {
                        await client.Proxy.EchoInt32(attempt);
                    }
                    catch (QuotaExceededException ex)
                    {
                        answer = $"error {ex.GetType().Name}: {ex.Quota} {ex.Message}";
                        break;
                    }

                    await Task.Delay(100);
                }

                Console.WriteLine(answer);
            }
        }

        // Until the test lets go.
        await Console.In.ReadToEndAsync();
        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        return 0;
    }

    /// <summary>Sends a Hello and reads frames up to the HelloAck, without a client library.</summary>
    private sealed class RawHandshake(System.Net.Sockets.Socket socket) : IAsyncDisposable
    {
        public async Task HelloAsync(string contract)
        {
            var hello = new System.Buffers.ArrayBufferWriter<byte>();
            var writer = new MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>>(ref hello, MemoryPack.MemoryPackWriterOptionalStatePool.Rent(null));
            writer.WriteUnmanaged(ContractGen.Protocol.ProtocolConstants.Magic);
            writer.WriteUnmanaged(ContractGen.Protocol.ProtocolConstants.Version);
            writer.WriteString(contract);
            writer.WriteUnmanaged(0UL);
            writer.WriteUnmanagedArray(Array.Empty<uint>());
            writer.WriteUnmanaged(1024 * 1024);
            writer.Flush();
            var frame = new byte[ContractGen.Protocol.FrameHeader.Size + hello.WrittenCount];
            new ContractGen.Protocol.FrameHeader((uint)hello.WrittenCount, ContractGen.Protocol.FrameKind.Hello, 0, 0, 0).Write(frame);
            hello.WrittenSpan.CopyTo(frame.AsSpan(ContractGen.Protocol.FrameHeader.Size));
            await socket.SendAsync(frame);
            var header = new byte[ContractGen.Protocol.FrameHeader.Size];
            await socket.ReceiveAsync(header);
            var payload = new byte[ContractGen.Protocol.FrameHeader.Read(header).PayloadLength];
            for (var read = 0; read < payload.Length;)
            {
                read += await socket.ReceiveAsync(payload.AsMemory(read));
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The soak's target: cheap answers that prove the arguments arrived whole.</summary>
internal sealed class Soak : ISoak
{
    public ValueTask<int> Submit(Parcel parcel, Color color, byte[] blob) => ValueTask.FromResult(parcel.Label.Length + parcel.Tags.Count + parcel.Counts.Count + parcel.Payload.Length + blob.Length);

    public ValueTask<int> Shapes(List<Figure> figures, Dictionary<string, Figure> named) => ValueTask.FromResult(figures.Count + named.Count);

    public ValueTask<int> Labels(string[] labels, Dictionary<string, List<string>> groups, string note) => ValueTask.FromResult(labels.Length + groups.Count + note.Length);

    public ValueTask<int> Numbers(List<int> list, Dictionary<int, long> map, int[] array, byte[] blob, Color color) => ValueTask.FromResult(list.Count + map.Count + array.Length + blob.Length);

    public ValueTask<int> Depth(Link link)
    {
        var depth = 0;
        for (var l = link; l is not null; l = l.Next)
        {
            depth++;
        }

        return ValueTask.FromResult(depth);
    }

    public async ValueTask<int> Slow(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return milliseconds;
    }

    public async IAsyncEnumerable<int> Count(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }

        await Task.CompletedTask;
    }
}

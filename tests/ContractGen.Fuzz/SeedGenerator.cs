using ContractGen.Fuzz.Contracts;
using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Fuzz;

/// <summary>
/// Writes the seed corpus (corpus/&lt;target&gt;/) from real traffic: a real client calls every method of the fuzz
/// contract on a real host over an endpoint that records both directions, and the frames recorded become the seeds.
/// The known killer frames of issue 11 are added by hand: they are what the fuzzer must keep trying.
/// </summary>
internal static class SeedGenerator
{
    /// <summary>
    /// The 62-byte frame that killed a daemon (issue 11): a Hello whose contract-name string header is int.MinValue
    /// (MemoryPack's UTF-8 form, ~length = int.MaxValue), so that an unchecked <c>length + 4</c> wraps negative.
    /// Header: payload length 46, kind Hello, flags 0, reserved 0, call id 0, method id 0.
    /// </summary>
    public static byte[] KillerHello { get; } = Convert.FromHexString(
        "2e000000" + "01" + "00" + "0000" + "00000000" + "00000000"
        + "4347454e" + "0100" + "00000080" + "00000000" + new string('7', 64).Replace("77", "78", StringComparison.Ordinal));

    public static async Task WriteAsync(string corpusRoot)
    {
        var recording = await RecordAsync().ConfigureAwait(false);
        var toServer = Split(recording.ClientToServer);
        var toClient = Split(recording.ServerToClient);

        var seeds = new Dictionary<string, Dictionary<string, byte[]>>
        {
            ["frames"] = [],
            ["handshake"] = [],
            ["dispatch"] = [],
        };

        // frames: whole conversations as the host reads them, delivered whole (0) and in small pieces (other bytes).
        seeds["frames"]["client-session-whole"] = [0, .. recording.ClientToServer];
        seeds["frames"]["client-session-pieces"] = [7, .. recording.ClientToServer];
        seeds["frames"]["server-session-pieces"] = [3, .. recording.ServerToClient];
        seeds["frames"]["ping-cancel-credit"] = [0,
            .. Wire.Frame(FrameKind.Ping, 0, 0, 0, []), .. Wire.Frame(FrameKind.Cancel, 0, 1, 0, []),
            .. Wire.Frame(FrameKind.StreamCredit, 0, 1, 4, []), .. Wire.Frame(FrameKind.Request, (byte)FrameOptions.All, 2, 0, [1, 0, 0, 0])];
        seeds["frames"]["killer-hello"] = [0, .. KillerHello];

        // handshake: every handshake and control frame seen in either direction.
        foreach (var (header, frame, index) in toServer.Concat(toClient).Select((f, i) => (f.Header, f.Frame, i)))
        {
            if (header.Kind is FrameKind.Hello or FrameKind.HelloAck or FrameKind.Error or FrameKind.GoAway)
            {
                seeds["handshake"][$"{header.Kind.ToString().ToLowerInvariant()}-{index:d3}"] = frame;
            }
        }

        seeds["handshake"]["killer-hello"] = KillerHello;

        // dispatch: every request the client sent, as selector byte + payload.
        foreach (var (header, frame, index) in toServer.Select((f, i) => (f.Header, f.Frame, i)).Where(f => f.Header.Kind == FrameKind.Request))
        {
            var method = DispatchTarget.Methods.First(m => m.Id == header.MethodId);
            seeds["dispatch"][$"{method.Name.ToLowerInvariant()}-{index:d3}"] = DispatchTarget.Input(method.Name, frame.AsSpan(FrameHeader.Size));
        }

        foreach (var (target, files) in seeds)
        {
            var folder = Path.Combine(corpusRoot, target);
            Directory.CreateDirectory(folder);
            foreach (var (name, bytes) in files)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, name + ".bin"), bytes).ConfigureAwait(false);
            }

            Console.WriteLine($"{target}: {files.Count} seeds in {folder}");
        }
    }

    private static List<(FrameHeader Header, byte[] Frame)> Split(byte[] stream)
    {
        var frames = new List<(FrameHeader, byte[])>();
        var offset = 0;
        while (stream.Length - offset >= FrameHeader.Size)
        {
            var header = FrameHeader.Read(stream.AsSpan(offset));
            var size = FrameHeader.Size + checked((int)header.PayloadLength);
            frames.Add((header, stream.AsSpan(offset, size).ToArray()));
            offset += size;
        }

        return frames;
    }

    private static async Task<Recording> RecordAsync()
    {
        var endpoint = new RecordingEndpoint(new InMemoryEndpoint());
        var host = new ServiceHost(new ServiceHostOptions { SystemdNotify = false, ShutdownTimeout = TimeSpan.FromSeconds(5) });
        host.AddService<IFuzzService>(new FuzzService());
        await host.StartAsync(endpoint).ConfigureAwait(false);
        var connection = await ServiceConnection.ConnectAsync<IFuzzService>(endpoint).ConfigureAwait(false);
        var proxy = connection.Proxy;
        var ct = CancellationToken.None;
        await proxy.StoreAsync(new Document
        {
            Title = "report",
            Priority = Priority.High,
            Tags = ["alpha", "beta"],
            Counters = new() { ["x"] = 1, ["y"] = -2 },
            Blob = [1, 2, 3, 0xFF],
            Owner = new Address("Main Street 1", "Springfield", 12345),
            History = [new Address("Old Road", null, 1)],
            Attachment = new TextAttachment { Text = "hello" },
            Children = [new Document { Title = "child", Attachment = new BinaryAttachment { Data = [9, 8], Mode = Permissions.Read | Permissions.Write } }],
        }, ct).ConfigureAwait(false);
        await proxy.CollectionsAsync(["t1", "t2"], new() { ["k"] = 7 }, ["line", null, "ünïcödé"], [[1, 2], [], [3]], ct).ConfigureAwait(false);
        await proxy.BytesAsync([1, 2, 3], new byte[] { 4, 5 }, null, ct).ConfigureAwait(false);
        await proxy.BytesAsync([], ReadOnlyMemory<byte>.Empty, [6], ct).ConfigureAwait(false);
        await proxy.EnumsAsync(Priority.Normal, Permissions.Read | Permissions.Execute, Priority.Low, ct).ConfigureAwait(false);
        await proxy.EnumsAsync(Priority.High, Permissions.None, null, ct).ConfigureAwait(false);
        await proxy.AttachAsync(new BinaryAttachment { Data = [1], Mode = Permissions.Write }, [new TextAttachment { Text = "x" }, new BinaryAttachment()], ct).ConfigureAwait(false);
        await proxy.TextAsync("name", null, "word", "dir/file.txt", ct).ConfigureAwait(false);
        await proxy.NumbersAsync(5, 1.5, long.MaxValue, 1.25m, new Guid("0102030405060708090a0b0c0d0e0f10"), new DateTime(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc), ct).ConfigureAwait(false);
        await proxy.NestedAsync(new() { ["a"] = [new Address("Street", "City", 1)], ["b"] = [] }, new Address("Only", null, 0), ct).ConfigureAwait(false);

        // Refused calls: their requests are seeds of the refusal paths, their answers Error frames for the handshake target.
        await Refused(() => proxy.TextAsync("name", "note", "NOT LOWER", "../etc/passwd", ct)).ConfigureAwait(false);
        await Refused(() => proxy.NumbersAsync(0, 9.0, 0, 0, Guid.Empty, default, ct)).ConfigureAwait(false);
        await Refused(() => proxy.BytesAsync(new byte[65], ReadOnlyMemory<byte>.Empty, null, ct)).ConfigureAwait(false);

        // The host's shutdown sends the client a GoAway.
        await host.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return endpoint.Recording;
    }

    private static async Task Refused(Func<ValueTask<int>> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            throw new InvalidOperationException("A call the seed generator sends to be refused was accepted.");
        }
        catch (ArgumentValidationException)
        {
        }
    }

    private sealed class Recording
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _toServer = new();
        private readonly System.Buffers.ArrayBufferWriter<byte> _toClient = new();

        public byte[] ClientToServer
        {
            get
            {
                lock (_toServer)
                {
                    return _toServer.WrittenSpan.ToArray();
                }
            }
        }

        public byte[] ServerToClient
        {
            get
            {
                lock (_toClient)
                {
                    return _toClient.WrittenSpan.ToArray();
                }
            }
        }

        public void Add(bool toServer, ReadOnlySpan<byte> data)
        {
            var stream = toServer ? _toServer : _toClient;
            lock (stream)
            {
                System.Buffers.BuffersExtensions.Write(stream, data);
            }
        }
    }

    /// <summary>An endpoint that records what the client sends (from the client's side) and what it receives.</summary>
    private sealed class RecordingEndpoint(ServiceEndpoint inner) : ServiceEndpoint
    {
        public Recording Recording { get; } = new();

        public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken) => inner.ListenAsync(cancellationToken);

        public override async ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
            => new RecordingTransport(await inner.ConnectAsync(cancellationToken).ConfigureAwait(false), Recording);
    }

    private sealed class RecordingTransport(ITransport inner, Recording recording) : ITransport
    {
        public PeerCredentials? PeerCredentials => inner.PeerCredentials;

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var n = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            recording.Add(false, buffer.Span[..n]);
            return n;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            recording.Add(true, data.Span);
            return inner.SendAsync(data, cancellationToken);
        }

        public void Abort() => inner.Abort();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

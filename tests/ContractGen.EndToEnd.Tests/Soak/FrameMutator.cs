using System.Buffers.Binary;
using ContractGen.Protocol;

namespace ContractGen.EndToEnd.Tests.Soak;

/// <summary>What one frame of the soak is, before the daemon decides what it makes of it.</summary>
internal enum Mutation
{
    // Frames the daemon answers and keeps the connection for.
    Valid,
    ValidWithDeadline,
    ValidOneWay,
    UnknownMethodId,
    CancelUnknownCall,
    CreditUnknownCall,
    CancelRunningCall,
    CreditRunningStream,
    Ping,
    Pong,

    // Frames built to be refused (or, for some bit flips, to be accepted with changed values).
    BitFlip,
    Truncated,
    HeaderClaimsMore,
    HostileLength,
    HostileHeaderLength,
    AmplifyingCount,
    InvalidUtf8,
    UnknownKind,
    ReservedBits,
    ClientForbiddenKind,
    SecondHello,
    DuplicateCallId,
    BadCredit,
    ShortDeadline,
    GoAwayThenMore,
    Garbage,
    Utf16LengthLie,
    DeepNesting,
}

/// <summary>How the first frame of a connection, the handshake, is built.</summary>
internal enum HelloMutation
{
    Valid,
    WrongFingerprint,
    RandomMethodIds,
    HugeReplySize,
    UnknownContract,
    WrongMagic,
    WrongVersion,
    HostileMethodIdCount,
    SmallReplySize,
    InvalidUtf8Name,
    HostileNameLength,
    Truncated,
    Oversized,
    BitFlip,
    RequestFirst,
    Empty,
    Garbage,
}

/// <summary>
/// Frame classes that ended the daemon while MemoryPack's reader decoded untrusted bytes (issue 11). The soak would leave
/// one out while it is listed in
/// <see cref="FrameMutator.KnownUnfixedCrashes"/>; <c>HostileClientSoakTests</c> has one test per class that sends it and
/// skips while it is listed.
/// </summary>
internal enum KnownCrash
{
    /// <summary>
    /// A Hello whose contract-name string header is int.MinValue .. int.MinValue + 3: MemoryPack's <c>ReadUtf8</c>
    /// computes <c>~header + 4</c> unchecked, the sum wraps negative, passes its bounds check, and it reads past the
    /// buffer (<c>AccessViolationException</c>, the process ends). Issue 11's 62-byte frame.
    /// </summary>
    HandshakeNameHeaderNearMinValue,

    /// <summary>
    /// The same header on any string the daemon decodes with MemoryPack's own reader: strings inside records, unions,
    /// arrays, lists and dictionaries of a request. Only top-level string parameters go through ContractGen's strict
    /// reader. Excluded by refusing every such payload with any 4-byte window in that range.
    /// </summary>
    LenientStringHeaderNearMinValue,

    /// <summary>
    /// Strings decoded by MemoryPack's reader whose UTF-16 length hint claims up to three times the bytes that remain:
    /// MemoryPack allocates a string of that length for each. Measured: one 180 KB frame of 20,000 such strings took
    /// the daemon from 43 to 248 MiB and kept it decoding for more than 30 s; a few connections of them would take
    /// gigabytes. Not a crash, but unbounded growth from one caller's bytes.
    /// </summary>
    LenientStringUtf16LengthAmplification,

    /// <summary>
    /// A recursive record nested tens of thousands deep: MemoryPack's reader recurses without a depth limit, and 50,000
    /// links (250 KB) end the process with a stack overflow.
    /// </summary>
    DeepNesting,
}

/// <summary>
/// Produces the soak's frames from valid ones, reproducibly from a seed: each connection's plan (handshake, frames,
/// how it ends) depends only on the random generator, never on what the daemon answered.
/// </summary>
internal sealed class FrameMutator(Random random)
{
    /// <summary>
    /// The classes the engine leaves out because they would end the daemon: empty since ContractGen's strict decoders
    /// (generated scans, strict control frames) replaced MemoryPack's reader for untrusted bytes, so the soak sends all
    /// four and their tests in <c>HostileClientSoakTests</c> run. A class found to crash goes here only while its fix is
    /// in progress, so the rest of the soak keeps running meanwhile; its test then skips and says so.
    /// </summary>
    public static readonly IReadOnlySet<KnownCrash> KnownUnfixedCrashes = new HashSet<KnownCrash>();

    /// <summary>The daemon's request payload limit (the test service's MaxFrameSize).</summary>
    public const int MaxPayload = 256 * 1024;

    private static readonly int[] HostileInts =
    [
        int.MinValue, int.MinValue + 1, int.MinValue + 3, int.MaxValue, int.MaxValue - 3, -2, -3, -1000, 0x40000000, 0x7FFFFFF0, 0x10000000, 1 << 20,
    ];

    private static readonly uint[] HostileHeaderLengths =
    [
        uint.MaxValue, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFE, MaxPayload + 1, 0x10000000, ProtocolConstants.MaxHandshakeSize + 1,
    ];

    private uint _callId;

    /// <summary>Whether a frame class is one an honest client sends (a valid call or handshake).</summary>
    public static bool IsValid(string frameClass)
        => frameClass is nameof(Mutation.Valid) or nameof(Mutation.ValidWithDeadline) or nameof(Mutation.ValidOneWay) or "hello:Valid";

    /// <summary>The last frames of the plan, after which the daemon is expected to have closed (or to close on EOF).</summary>
    public static bool IsKeptAlive(Mutation mutation) => mutation <= Mutation.Pong;

    /// <summary>One connection's bytes: the handshake, then the frames, each with its class.</summary>
    /// <param name="contractName">The contract the valid handshake names.</param>
    /// <param name="fingerprint">Its fingerprint.</param>
    /// <param name="methodIds">Its method ids.</param>
    /// <param name="failCall">
    /// The daemon fails only the call whose arguments do not decode (<see cref="MalformedMessagePolicy.FailCall"/>): the
    /// connection then carries mostly mutated requests, not only valid ones with a refused frame at the end.
    /// </param>
    public ConnectionPlan NextConnection(string contractName, ulong fingerprint, uint[] methodIds, bool failCall = false)
    {
        _callId = 0;
        var frames = new List<(byte[] Bytes, string Class)>();
        var hello = random.Next(100) < 75 ? HelloMutation.Valid : (HelloMutation)random.Next(1, Enum.GetValues<HelloMutation>().Length);
        frames.Add((Hello(hello, contractName, fingerprint, methodIds), "hello:" + hello));

        // Mostly short conversations, some long ones, a few pipelined floods of valid calls.
        var roll = random.Next(100);
        var kept = roll < 70 ? random.Next(0, 24) : roll < 98 ? random.Next(24, 200) : random.Next(500, 2000);
        var flood = roll >= 98;
        for (var i = 0; i < kept; i++)
        {
            var mutation = flood ? Mutation.Valid : failCall ? FailCallMix[Weighted(FailCallWeights)] : (Mutation)Weighted(KeptAliveWeights);
            foreach (var frame in Frames(mutation))
            {
                frames.Add((frame, mutation.ToString()));
            }
        }

        // Most connections end with one to three frames built to be refused.
        if (random.Next(100) < 90)
        {
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var mutation = (Mutation)(Weighted(RefusedWeights) + (int)Mutation.BitFlip);
                foreach (var frame in Frames(mutation))
                {
                    frames.Add((frame, mutation.ToString()));
                }
            }
        }

        return new ConnectionPlan(frames);
    }

    // Weights of Valid .. Pong, and of BitFlip .. DeepNesting.
    private static readonly int[] KeptAliveWeights = [40, 4, 4, 8, 6, 6, 3, 3, 3, 2];
    // What a connection to a FailCall daemon carries before its last frames: mostly payloads that do not decode.
    private static readonly Mutation[] FailCallMix =
    [
        Mutation.Valid, Mutation.UnknownMethodId, Mutation.CancelUnknownCall, Mutation.CreditUnknownCall, Mutation.BitFlip,
        Mutation.Truncated, Mutation.HostileLength, Mutation.AmplifyingCount, Mutation.InvalidUtf8,
    ];

    private static readonly int[] FailCallWeights = [12, 5, 3, 3, 20, 12, 27, 8, 10];
    private static readonly int[] RefusedWeights = [14, 8, 3, 16, 6, 8, 6, 3, 3, 3, 2, 2, 3, 2, 3, 4, 2, 2];

    private int Weighted(int[] weights)
    {
        var pick = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The frame or frames of one mutation (a duplicate call id is two requests, for example).</summary>
    public IEnumerable<byte[]> Frames(Mutation mutation)
    {
        var seed = SoakSeeds.Next(random);
        var id = ++_callId;
        switch (mutation)
        {
            case Mutation.Valid:
                yield return Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                break;
            case Mutation.ValidWithDeadline:
                yield return Frame(FrameKind.Request, (byte)FrameOptions.HasDeadline, id, seed.MethodId, [.. BitConverter.GetBytes(random.Next(1, 5000)), .. seed.Payload]);
                break;
            case Mutation.ValidOneWay:
                yield return Frame(FrameKind.Request, (byte)FrameOptions.OneWay, id, seed.MethodId, seed.Payload);
                break;
            case Mutation.UnknownMethodId:
                yield return Frame(FrameKind.Request, 0, id, (uint)random.Next() | 0x80000000, seed.Payload);
                break;
            case Mutation.CancelUnknownCall:
                yield return Frame(FrameKind.Cancel, 0, 1_000_000 + (uint)random.Next(), 0, []);
                break;
            case Mutation.CreditUnknownCall:
                yield return Frame(FrameKind.StreamCredit, 0, 1_000_000 + (uint)random.Next(), (uint)random.Next(1, ProtocolConstants.StreamWindow + 1), []);
                break;
            case Mutation.CancelRunningCall:
                yield return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Slow, SoakSeeds.Slow(200).Payload);
                yield return Frame(FrameKind.Cancel, 0, id, 0, []);
                break;
            case Mutation.CreditRunningStream:
                yield return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Count, SoakSeeds.Count(100).Payload);
                yield return Frame(FrameKind.StreamCredit, 0, id, (uint)random.Next(1, ProtocolConstants.StreamWindow + 1), []);
                yield return Frame(FrameKind.StreamCredit, 0, id, ProtocolConstants.StreamWindow, []);
                break;
            case Mutation.Ping:
                yield return Frame(FrameKind.Ping, 0, 0, 0, []);
                break;
            case Mutation.Pong:
                yield return Frame(FrameKind.Pong, 0, 0, 0, []);
                break;
            case Mutation.BitFlip:
                yield return Filtered(seed, id, BitFlip);
                break;
            case Mutation.Truncated:
                yield return Filtered(seed, id, p => p.Length == 0 ? p : p[..random.Next(p.Length)]);
                break;
            case Mutation.HeaderClaimsMore:
            {
                // The frames behind become this payload's tail: no filter sees them, so only a method without lenient
                // strings may read them.
                seed = StrictSeed();
                var frame = Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(seed.Payload.Length + random.Next(1, 4096)));
                yield return frame;
                break;
            }

            case Mutation.HostileLength:
                yield return Filtered(seed, id, HostileLength);
                break;
            case Mutation.HostileHeaderLength:
            {
                // A shorter length misframes what follows (see HeaderClaimsMore).
                seed = StrictSeed();
                var frame = Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                var choice = random.Next(HostileHeaderLengths.Length + 2);
                var length = choice < HostileHeaderLengths.Length ? HostileHeaderLengths[choice] : choice == HostileHeaderLengths.Length ? 0u : (uint)Math.Max(0, seed.Payload.Length - random.Next(1, 8));
                BinaryPrimitives.WriteUInt32LittleEndian(frame, length);
                yield return frame;
                break;
            }

            case Mutation.AmplifyingCount:
                yield return Amplifying(id);
                break;
            case Mutation.InvalidUtf8:
                yield return Filtered(seed, id, InvalidUtf8);
                break;
            case Mutation.UnknownKind:
            {
                var frame = Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                frame[4] = random.Next(4) == 0 ? (byte)0 : (byte)random.Next((int)FrameKind.StreamCredit + 1, 256);
                yield return frame;
                break;
            }

            case Mutation.ReservedBits:
            {
                var frame = Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                switch (random.Next(3))
                {
                    case 0:
                        frame[6] = (byte)random.Next(1, 256);
                        break;
                    case 1:
                        frame[5] = (byte)(random.Next(1, 64) << 2);
                        break;
                    default:
                        frame[4] = (byte)FrameKind.Cancel;
                        frame[5] = 1;
                        break;
                }

                yield return frame;
                break;
            }

            case Mutation.ClientForbiddenKind:
            {
                FrameKind[] kinds = [FrameKind.HelloAck, FrameKind.Reply, FrameKind.Error, FrameKind.StreamItem];
                yield return Frame(kinds[random.Next(kinds.Length)], 0, id, seed.MethodId, seed.Payload);
                break;
            }

            case Mutation.SecondHello:
                yield return Frame(FrameKind.Hello, 0, 0, 0, SoakSeeds.Hello(SoakContract.Name, 0, []));
                break;
            case Mutation.DuplicateCallId:
                yield return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Slow, SoakSeeds.Slow(300).Payload);
                yield return Frame(FrameKind.Request, 0, id, seed.MethodId, seed.Payload);
                break;
            case Mutation.BadCredit:
            {
                uint[] counts = [0, ProtocolConstants.StreamWindow + 1, uint.MaxValue, 0x80000000];
                yield return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Count, SoakSeeds.Count(100).Payload);
                yield return Frame(FrameKind.StreamCredit, 0, id, counts[random.Next(counts.Length)], []);
                break;
            }

            case Mutation.ShortDeadline:
                yield return Frame(FrameKind.Request, (byte)FrameOptions.HasDeadline, id, seed.MethodId, seed.Payload.Length < 4 ? seed.Payload : seed.Payload[..random.Next(4)]);
                break;
            case Mutation.GoAwayThenMore:
                yield return Frame(FrameKind.GoAway, 0, 0, (uint)random.Next(0, 5), []);
                for (var i = random.Next(1, 20); i > 0; i--)
                {
                    var more = SoakSeeds.Next(random);
                    yield return Frame(FrameKind.Request, 0, ++_callId, more.MethodId, more.Payload);
                }

                break;
            case Mutation.Garbage:
            {
                var garbage = new byte[random.Next(1, 512)];
                random.NextBytes(garbage);
                yield return Safe(garbage) ? garbage : [0xFF];
                break;
            }

            case Mutation.Utf16LengthLie:
                if (!KnownUnfixedCrashes.Contains(KnownCrash.LenientStringUtf16LengthAmplification))
                {
                    yield return Utf16LengthLie(id, random.Next(1000, 20_000));
                }

                break;
            case Mutation.DeepNesting:
                if (!KnownUnfixedCrashes.Contains(KnownCrash.DeepNesting))
                {
                    yield return DeepNesting(id, random.Next(10_000, 50_000));
                }

                break;
        }
    }

    /// <summary>A seed whose method decodes no string with MemoryPack's reader.</summary>
    private Seed StrictSeed()
    {
        while (true)
        {
            if (SoakSeeds.Next(random) is { LenientStrings: false } seed)
            {
                return seed;
            }
        }
    }

    /// <summary>A mutated copy of a seed's payload as a request, redrawn while it falls in an excluded crash class.</summary>
    private static byte[] Filtered(Seed seed, uint id, Func<byte[], byte[]> mutate)
    {
        for (var attempt = 0; ; attempt++)
        {
            var payload = mutate((byte[])seed.Payload.Clone());
            if (!seed.LenientStrings || LenientPayloadIsSafe(payload) || attempt == 20)
            {
                // After 20 draws that all fell in an excluded class, the valid payload goes instead.
                return Frame(FrameKind.Request, 0, id, seed.MethodId, seed.LenientStrings && !LenientPayloadIsSafe(payload) ? seed.Payload : payload);
            }
        }
    }

    /// <summary>
    /// Whether no 4-byte window of a payload could be read as a string header in int.MinValue .. int.MinValue + 3 (the
    /// known crash) while that class is excluded. Conservative: it looks at every offset, not only where strings are.
    /// </summary>
    public static bool LenientPayloadIsSafe(ReadOnlySpan<byte> payload)
    {
        if (!KnownUnfixedCrashes.Contains(KnownCrash.LenientStringHeaderNearMinValue))
        {
            return true;
        }

        for (var i = 0; i + 4 <= payload.Length; i++)
        {
            if (payload[i + 3] == 0x80 && payload[i + 2] == 0 && payload[i + 1] == 0 && payload[i] <= 3)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Raw bytes are read as a frame header and perhaps a Hello or a request: held to the same exclusion.</summary>
    private static bool Safe(ReadOnlySpan<byte> bytes) => LenientPayloadIsSafe(bytes);

    private byte[] BitFlip(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return payload;
        }

        for (var i = random.Next(1, 9); i > 0; i--)
        {
            payload[random.Next(payload.Length)] ^= (byte)(1 << random.Next(8));
        }

        return payload;
    }

    /// <summary>
    /// Overwrites one candidate length field (any 4 bytes that read as a plausible count or string header of what
    /// follows: collection counts, string headers, UTF-16 length hints, nested at any depth) with a hostile value.
    /// </summary>
    private byte[] HostileLength(byte[] payload)
    {
        var candidates = new List<int>();
        for (var i = 0; i + 4 <= payload.Length; i++)
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(i));
            var rest = payload.Length - i - 4;
            if ((value >= 0 && value <= rest) || (value < -1 && ~value <= rest))
            {
                candidates.Add(i);
            }
        }

        if (candidates.Count == 0)
        {
            return payload;
        }

        var at = candidates[random.Next(candidates.Count)];
        var remaining = payload.Length - at - 4;
        int[] relative = [remaining + 1, remaining + 1000, ~(remaining + 1), ~(remaining + 1000)];
        var hostile = random.Next(3) == 0 ? relative[random.Next(relative.Length)] : HostileInts[random.Next(HostileInts.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), hostile);
        return payload;
    }

    /// <summary>Replaces bytes of the payload's longest run of letters with an invalid UTF-8 sequence.</summary>
    private byte[] InvalidUtf8(byte[] payload)
    {
        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]];
        var letters = Enumerable.Range(0, payload.Length).Where(i => payload[i] is >= (byte)'a' and <= (byte)'z').ToList();
        if (letters.Count == 0)
        {
            return payload;
        }

        var sequence = invalid[random.Next(invalid.Length)];
        var at = letters[random.Next(letters.Count)];
        for (var i = 0; i < sequence.Length && at + i < payload.Length; i++)
        {
            payload[at + i] = sequence[i];
        }

        return payload;
    }

    /// <summary>
    /// A request whose collection counts claim as many elements as bytes remain (the most the count check lets
    /// through) with padding behind, so the reader allocates for the count and runs out of elements.
    /// </summary>
    private byte[] Amplifying(uint id)
    {
        var padding = random.Next(1024, 64 * 1024);
        var payload = new byte[4 + padding];
        var count = padding - random.Next(0, 16);
        BinaryPrimitives.WriteInt32LittleEndian(payload, count);

        // Numbers(List<int> ...) reads ints; Shapes(List<Figure> ...) reads one union header byte per element: zero
        // bytes make each a Dot of two zero doubles, so the list fills and the dictionary after it runs out.
        // Labels(string[] ...) would read zero-length strings: allowed only while its strings are not excluded.
        uint[] methods = [SoakContract.MethodIds.Numbers, SoakContract.MethodIds.Shapes, SoakContract.MethodIds.Numbers];
        var method = methods[random.Next(methods.Length)];
        return Frame(FrameKind.Request, 0, id, method, payload);
    }

    /// <summary>Labels(string[]) with <paramref name="count"/> one-byte strings, each claiming a UTF-16 length of three times what remains.</summary>
    public static byte[] Utf16LengthLie(uint id, int count)
    {
        var payload = new byte[4 + (count * 9) + 4 + 4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, count);
        for (var i = 0; i < count; i++)
        {
            var at = 4 + (i * 9);
            var remainingAfterHeader = payload.Length - at - 4;
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), ~1);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at + 4), (int)Math.Min(int.MaxValue / 4, (long)remainingAfterHeader * 3));
            payload[at + 8] = (byte)'x';
        }

        // groups: an empty dictionary; note: an empty string.
        return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Labels, payload);
    }

    /// <summary>Depth(Link) with a chain <paramref name="depth"/> links deep: per link a member count, a null name, then the next.</summary>
    public static byte[] DeepNesting(uint id, int depth)
    {
        var payload = new byte[(depth * 5) + 1];
        for (var i = 0; i < depth; i++)
        {
            payload[i * 5] = 2;
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan((i * 5) + 1), -1);
        }

        payload[^1] = 0xFF;
        return Frame(FrameKind.Request, 0, id, SoakContract.MethodIds.Depth, payload);
    }

    /// <summary>The handshake frame of one connection.</summary>
    public byte[] Hello(HelloMutation mutation, string contract, ulong fingerprint, uint[] methodIds)
    {
        for (var attempt = 0; ; attempt++)
        {
            var frame = HelloCore(mutation, contract, fingerprint, methodIds);

            // The only string of a Hello is the contract name, whose header is at payload offset 6.
            if (!KnownUnfixedCrashes.Contains(KnownCrash.HandshakeNameHeaderNearMinValue) || frame.Length < FrameHeader.Size + 10
                || !IsNearMinValue(BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 6))) || frame[4] != (byte)FrameKind.Hello)
            {
                return frame;
            }

            if (attempt == 20)
            {
                return HelloCore(HelloMutation.Valid, contract, fingerprint, methodIds);
            }
        }
    }

    private static bool IsNearMinValue(int value) => value is >= int.MinValue and <= int.MinValue + 3;

    private byte[] HelloCore(HelloMutation mutation, string contract, ulong fingerprint, uint[] methodIds)
    {
        byte[] Hello(byte[] payload) => Frame(FrameKind.Hello, 0, 0, 0, payload);
        switch (mutation)
        {
            case HelloMutation.Valid:
                return Hello(SoakSeeds.Hello(contract, fingerprint, methodIds));
            case HelloMutation.WrongFingerprint:
                return Hello(SoakSeeds.Hello(contract, (ulong)random.NextInt64(), methodIds));
            case HelloMutation.RandomMethodIds:
                return Hello(SoakSeeds.Hello(contract, fingerprint, [.. Enumerable.Range(0, random.Next(0, 2000)).Select(_ => (uint)random.Next())]));
            case HelloMutation.HugeReplySize:
                return Hello(SoakSeeds.Hello(contract, fingerprint, methodIds, int.MaxValue));
            case HelloMutation.UnknownContract:
                return Hello(SoakSeeds.Hello("test.nobody-" + random.Next(), fingerprint, methodIds));
            case HelloMutation.WrongMagic:
                return Hello(SoakSeeds.Hello(contract, fingerprint, methodIds, magic: (uint)random.Next()));
            case HelloMutation.WrongVersion:
                return Hello(SoakSeeds.Hello(contract, fingerprint, methodIds, version: (ushort)random.Next(2, 65536)));
            case HelloMutation.SmallReplySize:
                return Hello(SoakSeeds.Hello(contract, fingerprint, methodIds, random.Next(2) == 0 ? int.MinValue : random.Next(-5, 1024)));
            case HelloMutation.HostileMethodIdCount:
            {
                var payload = SoakSeeds.Hello(contract, fingerprint, methodIds);
                var at = 6 + 8 + 8 + contract.Length;
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(at), HostileInts[random.Next(HostileInts.Length)]);
                return Hello(payload);
            }

            case HelloMutation.InvalidUtf8Name:
            {
                var payload = SoakSeeds.Hello(contract, fingerprint, methodIds);
                payload[6 + 8 + random.Next(contract.Length)] = 0xFF;
                return Hello(payload);
            }

            case HelloMutation.HostileNameLength:
            {
                var payload = SoakSeeds.Hello(contract, fingerprint, methodIds);
                var remaining = payload.Length - 10;
                int[] relative = [~(remaining + 1), ~(remaining - 4), remaining + 1, ~0x40000000];
                var value = random.Next(2) == 0 ? relative[random.Next(relative.Length)] : HostileInts[random.Next(HostileInts.Length)];
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(6), value);
                return Hello(payload);
            }

            case HelloMutation.Truncated:
            {
                var payload = SoakSeeds.Hello(contract, fingerprint, methodIds);
                return Hello(payload[..random.Next(payload.Length)]);
            }

            case HelloMutation.Oversized:
            {
                var frame = Hello(SoakSeeds.Hello(contract, fingerprint, methodIds));
                BinaryPrimitives.WriteUInt32LittleEndian(frame, HostileHeaderLengths[random.Next(HostileHeaderLengths.Length)]);
                return frame;
            }

            case HelloMutation.BitFlip:
            {
                var frame = Hello(SoakSeeds.Hello(contract, fingerprint, methodIds));
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                }

                return frame;
            }

            case HelloMutation.RequestFirst:
            {
                var seed = SoakSeeds.Next(random);
                return Frame(FrameKind.Request, 0, 1, seed.MethodId, seed.Payload);
            }

            case HelloMutation.Empty:
                return Hello([]);
            default:
            {
                var garbage = new byte[random.Next(16, 256)];
                random.NextBytes(garbage);
                garbage[4] = (byte)FrameKind.Hello;
                BinaryPrimitives.WriteUInt32LittleEndian(garbage, (uint)(garbage.Length - FrameHeader.Size));
                garbage[5] = garbage[6] = garbage[7] = 0;
                return garbage;
            }
        }
    }

    /// <summary>A frame: the 16-byte header, then the payload.</summary>
    public static byte[] Frame(FrameKind kind, byte flags, uint callId, uint methodId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((uint)payload.Length, kind, flags, callId, methodId).Write(frame);
        payload.CopyTo(frame.AsSpan(FrameHeader.Size));
        return frame;
    }
}

/// <summary>What one soak connection sends, in order: the handshake first.</summary>
internal sealed record ConnectionPlan(List<(byte[] Bytes, string Class)> Frames);

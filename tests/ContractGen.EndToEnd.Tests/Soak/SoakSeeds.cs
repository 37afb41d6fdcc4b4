using System.Buffers;
using ContractGen.Protocol;
using MemoryPack;

namespace ContractGen.EndToEnd.Tests.Soak;

/// <summary>One valid request payload, as a generated client would send it, that the mutation engine starts from.</summary>
/// <param name="Name">The method, for reports.</param>
/// <param name="MethodId">The method's id in <see cref="SoakContract"/>.</param>
/// <param name="Payload">The arguments, encoded the way the generated codec writes them.</param>
/// <param name="LenientStrings">
/// Whether the daemon decodes strings of this payload with MemoryPack's own reader (strings nested in records,
/// unions and collections) rather than ContractGen's strict one (top-level string parameters only).
/// </param>
internal sealed record Seed(string Name, uint MethodId, byte[] Payload, bool LenientStrings);

/// <summary>
/// Valid requests for <see cref="ISoak"/>, built from values with MemoryPack's writer in the order the generated
/// codecs write the parameters. Values are drawn from a seeded <see cref="Random"/>, so a run is reproducible.
/// </summary>
internal static class SoakSeeds
{
    private delegate void Writer(ref MemoryPackWriter<ArrayBufferWriter<byte>> writer);

    /// <summary>A fresh valid request for one of the contract's methods, chosen by <paramref name="random"/>.</summary>
    public static Seed Next(Random random)
    {
        var word = Word(random);
        switch (random.Next(7))
        {
            case 0:
            {
                var parcel = NewParcel(random);
                var color = (Color)random.Next(1, 4);
                var blob = Bytes(random, random.Next(0, 64));
                return new("Submit", SoakContract.MethodIds.Submit, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
                {
                    w.WritePackable(parcel);
                    w.WriteUnmanaged(color);
                    w.WriteValue(blob);
                }), true);
            }

            case 1:
            {
                var figures = Enumerable.Range(0, random.Next(0, 8)).Select(_ => NewFigure(random)).ToList();
                var named = Enumerable.Range(0, random.Next(0, 4)).ToDictionary(i => word + "-" + i, _ => NewFigure(random));
                return new("Shapes", SoakContract.MethodIds.Shapes, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
                {
                    w.WriteValue(figures);
                    w.WriteValue(named);
                }), true);
            }

            case 2:
            {
                var labels = Enumerable.Range(0, random.Next(0, 8)).Select(i => Word(random) + i).ToArray();
                var groups = Enumerable.Range(0, random.Next(0, 4)).ToDictionary(i => word + "-" + i, _ => Enumerable.Range(0, random.Next(0, 4)).Select(j => Word(random) + j).ToList());
                var note = "note " + word + " äöü ✓";
                return new("Labels", SoakContract.MethodIds.Labels, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
                {
                    w.WriteValue(labels);
                    w.WriteValue(groups);
                    w.WriteString(note);
                }), true);
            }

            case 3:
            {
                var list = Enumerable.Range(0, random.Next(0, 16)).Select(_ => random.Next(0, 1000)).ToList();
                var map = Enumerable.Range(0, random.Next(0, 8)).ToDictionary(i => i, i => (long)i * 1000);
                var array = Enumerable.Range(0, random.Next(0, 16)).Select(_ => random.Next(0, 1000)).ToArray();
                var blob = Bytes(random, random.Next(0, 256));
                var color = (Color)random.Next(1, 4);
                return new("Numbers", SoakContract.MethodIds.Numbers, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
                {
                    w.WriteValue(list);
                    w.WriteValue(map);
                    w.WriteValue(array);
                    w.WriteValue(blob);
                    w.WriteUnmanaged(color);
                }), false);
            }

            case 4:
            {
                Link? link = null;
                for (var i = random.Next(1, 16); i > 0; i--)
                {
                    link = new Link(random.Next(3) == 0 ? null : Word(random), link);
                }

                return new("Depth", SoakContract.MethodIds.Depth, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WritePackable(link)), true);
            }

            case 5:
            {
                var milliseconds = random.Next(0, 20);
                return new("Slow", SoakContract.MethodIds.Slow, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnmanaged(milliseconds)), false);
            }

            default:
            {
                var count = random.Next(0, 48);
                return new("Count", SoakContract.MethodIds.Count, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnmanaged(count)), false);
            }
        }
    }

    /// <summary>A request for <see cref="ISoak.Slow"/> that waits <paramref name="milliseconds"/>.</summary>
    public static Seed Slow(int milliseconds)
        => new("Slow", SoakContract.MethodIds.Slow, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnmanaged(milliseconds)), false);

    /// <summary>A request for <see cref="ISoak.Count"/>: a stream of <paramref name="count"/> items.</summary>
    public static Seed Count(int count)
        => new("Count", SoakContract.MethodIds.Count, Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) => w.WriteUnmanaged(count)), false);

    /// <summary>A valid handshake payload for <paramref name="contract"/>.</summary>
    public static byte[] Hello(string contract, ulong fingerprint, uint[] methodIds, int maxReplySize = 1024 * 1024, ushort version = ProtocolConstants.Version, uint magic = ProtocolConstants.Magic)
        => Encode((ref MemoryPackWriter<ArrayBufferWriter<byte>> w) =>
        {
            w.WriteUnmanaged(magic);
            w.WriteUnmanaged(version);
            w.WriteString(contract);
            w.WriteUnmanaged(fingerprint);
            w.WriteUnmanagedArray(methodIds);
            w.WriteUnmanaged(maxReplySize);
        });

    /// <summary>A parcel such as an honest client sends.</summary>
    public static Parcel NewParcel(Random random)
        => new(
            "parcel " + Word(random),
            (Color)random.Next(1, 4),
            [.. Enumerable.Range(0, random.Next(0, 6)).Select(i => Word(random) + i)],
            Enumerable.Range(0, random.Next(0, 4)).ToDictionary(i => "k" + i, i => i),
            Bytes(random, random.Next(0, 32)),
            NewFigure(random));

    private static Figure NewFigure(Random random)
        => random.Next(2) == 0
            // Whole numbers below 16: their doubles have mantissa bits in the top two bytes only. 16.5 or 33.0 would
            // put 00 00 00 80 (int.MinValue) into the payload (see FrameMutator.LenientPayloadIsSafe).
            ? new Dot(random.Next(0, 16), random.Next(0, 16))
            : new Caption("caption " + Word(random), (Color)random.Next(1, 4));

    // Letters only: no seed carries a byte at or above 0x80 outside its strings' UTF-8, so no 4-byte window of a valid
    // seed reads as a string header near int.MinValue (see FrameMutator.KnownUnfixedCrashes).
    private static string Word(Random random)
        => string.Create(random.Next(1, 12), random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)random.Next(0x20, 0x7F);
        }

        return bytes;
    }

    private static byte[] Encode(Writer write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var state = MemoryPackWriterOptionalStatePool.Rent(null);
        var writer = new MemoryPackWriter<ArrayBufferWriter<byte>>(ref buffer, state);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}

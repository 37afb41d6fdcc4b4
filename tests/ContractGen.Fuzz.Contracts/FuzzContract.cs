using System.ComponentModel.DataAnnotations;
using MemoryPack;

namespace ContractGen.Fuzz.Contracts;

/// <summary>A plain enum: an undefined value on the wire must be refused.</summary>
public enum Priority
{
    Low,
    Normal,
    High,
}

/// <summary>A flags enum: bits outside the declared ones must be refused.</summary>
[Flags]
public enum Permissions : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>A record with nested strings, one of them bounded by its own attribute.</summary>
[MemoryPackable]
public sealed partial record Address([property: StringLength(64)] string Street, string? City, [property: Range(0, 99999)] int Zip);

/// <summary>A closed union: only the listed cases may be created by the receiver.</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(TextAttachment))]
[MemoryPackUnion(1, typeof(BinaryAttachment))]
public abstract partial class Attachment
{
}

/// <summary>A union case carrying a string.</summary>
[MemoryPackable]
public sealed partial class TextAttachment : Attachment
{
    /// <summary>The text.</summary>
    [MaxLength(128)]
    public string Text { get; set; } = "";
}

/// <summary>A union case carrying bytes and an enum.</summary>
[MemoryPackable]
public sealed partial class BinaryAttachment : Attachment
{
    /// <summary>The bytes.</summary>
    public byte[] Data { get; set; } = [];

    /// <summary>What may be done with them.</summary>
    public Permissions Mode { get; set; }
}

/// <summary>A class that nests everything above: lists, a dictionary, bytes, records, a union, enums.</summary>
[MemoryPackable]
public sealed partial class Document
{
    /// <summary>Required text.</summary>
    [Required]
    public string Title { get; set; } = "";

    /// <summary>An enum member.</summary>
    public Priority Priority { get; set; }

    /// <summary>A list of nested strings.</summary>
    [MaxLength(16)]
    public List<string> Tags { get; set; } = [];

    /// <summary>A dictionary keyed by string.</summary>
    public Dictionary<string, int> Counters { get; set; } = [];

    /// <summary>A byte buffer.</summary>
    public byte[] Blob { get; set; } = [];

    /// <summary>A nested record, optional.</summary>
    public Address? Owner { get; set; }

    /// <summary>A list of records.</summary>
    public List<Address> History { get; set; } = [];

    /// <summary>A union member, optional.</summary>
    public Attachment? Attachment { get; set; }

    /// <summary>A recursive member: depth is the peer's to choose.</summary>
    public List<Document>? Children { get; set; }
}

/// <summary>
/// The contract the fuzzer's <c>dispatch</c> target calls: one method per shape of argument the generated decoder and
/// validators handle. The implementation only counts what it received; it never throws, so any failure the host
/// reports other than a typed decode or validation error is a defect of the decode-and-validate path.
/// </summary>
[ServiceContract(Name = "contractgen.fuzz", Context = ServiceContext.System, MaxStringLength = 256, MaxCollectionLength = 64, MaxByteLength = 4096)]
[AllowAnyLocalUser]
public partial interface IFuzzService
{
    /// <summary>A class with everything nested.</summary>
    ValueTask<int> StoreAsync(Document document, CancellationToken cancellationToken);

    /// <summary>Collections at the top level.</summary>
    ValueTask<int> CollectionsAsync(List<string> tags, Dictionary<string, int> counters, string?[] lines, int[][] grid, CancellationToken cancellationToken);

    /// <summary>Byte buffers, bounded and not.</summary>
    ValueTask<int> BytesAsync([MaxLength(64)] byte[] data, ReadOnlyMemory<byte> memory, byte[]? extra, CancellationToken cancellationToken);

    /// <summary>Enums, flags and nullable enums.</summary>
    ValueTask<int> EnumsAsync(Priority priority, Permissions permissions, Priority? maybe, CancellationToken cancellationToken);

    /// <summary>Unions, alone and in a list.</summary>
    ValueTask<int> AttachAsync(Attachment attachment, List<Attachment> more, CancellationToken cancellationToken);

    /// <summary>Strings with validation attributes.</summary>
    ValueTask<int> TextAsync([Required, MinLength(1), MaxLength(32)] string name, string? note, [RegularExpression("^[a-z]+$")] string word, [SafePath] string path, CancellationToken cancellationToken);

    /// <summary>Numbers with ranges.</summary>
    ValueTask<int> NumbersAsync([Range(1, 100)] int count, [Range(0.5, 2.5)] double ratio, long big, decimal money, Guid id, DateTime stamp, CancellationToken cancellationToken);

    /// <summary>Records nested in a dictionary of lists.</summary>
    ValueTask<int> NestedAsync(Dictionary<string, List<Address>> index, Address? primary, CancellationToken cancellationToken);
}

/// <summary>The implementation: counts calls, never throws.</summary>
public sealed class FuzzService : IFuzzService
{
    private int _calls;

    /// <summary>How many calls reached the implementation.</summary>
    public int Calls => Volatile.Read(ref _calls);

    private ValueTask<int> Count() => ValueTask.FromResult(Interlocked.Increment(ref _calls));

    /// <inheritdoc/>
    public ValueTask<int> StoreAsync(Document document, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> CollectionsAsync(List<string> tags, Dictionary<string, int> counters, string?[] lines, int[][] grid, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> BytesAsync(byte[] data, ReadOnlyMemory<byte> memory, byte[]? extra, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> EnumsAsync(Priority priority, Permissions permissions, Priority? maybe, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> AttachAsync(Attachment attachment, List<Attachment> more, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> TextAsync(string name, string? note, string word, string path, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> NumbersAsync(int count, double ratio, long big, decimal money, Guid id, DateTime stamp, CancellationToken cancellationToken) => Count();

    /// <inheritdoc/>
    public ValueTask<int> NestedAsync(Dictionary<string, List<Address>> index, Address? primary, CancellationToken cancellationToken) => Count();
}

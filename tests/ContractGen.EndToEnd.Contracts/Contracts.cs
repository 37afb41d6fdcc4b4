using ContractGen;
using System.ComponentModel.DataAnnotations;
using MemoryPack;

namespace ContractGen.EndToEnd;

/// <summary>Every supported parameter and result type, echoed back so a round trip proves both directions.</summary>
/// <remarks>The collection and byte bounds are the defaults, stated so that the analyzers see a chosen bound (CGEN3003).</remarks>
[ServiceContract(Name = "test.alltypes", Context = ServiceContext.System, MaxStringLength = 200_000,
    MaxCollectionLength = ServiceContractAttribute.DefaultMaxCollectionLength, MaxByteLength = ServiceContractAttribute.DefaultMaxByteLength)]
[AllowAnyLocalUser]
public partial interface IAllTypes
{
    ValueTask<bool> EchoBool(bool value);
    ValueTask<byte> EchoByte(byte value);
    ValueTask<sbyte> EchoSByte(sbyte value);
    ValueTask<short> EchoInt16(short value);
    ValueTask<ushort> EchoUInt16(ushort value);
    ValueTask<int> EchoInt32(int value);
    ValueTask<uint> EchoUInt32(uint value);
    ValueTask<long> EchoInt64(long value);
    ValueTask<ulong> EchoUInt64(ulong value);
    ValueTask<float> EchoSingle(float value);
    ValueTask<double> EchoDouble(double value);
    ValueTask<decimal> EchoDecimal(decimal value);
    ValueTask<char> EchoChar(char value);
    ValueTask<string> EchoString(string value);
    ValueTask<string?> EchoNullableString(string? value);
    ValueTask<byte[]> EchoBytes(byte[] value);
    ValueTask<ReadOnlyMemory<byte>> EchoMemory(ReadOnlyMemory<byte> value);
    ValueTask<Color> EchoEnum(Color value);
    ValueTask<DateTime> EchoDateTime(DateTime value);
    ValueTask<DateTimeOffset> EchoDateTimeOffset(DateTimeOffset value);
    ValueTask<TimeSpan> EchoTimeSpan(TimeSpan value);
    ValueTask<Guid> EchoGuid(Guid value);
    ValueTask<int?> EchoNullableInt(int? value);
    ValueTask<Color?> EchoNullableEnum(Color? value);
    ValueTask<int[]> EchoIntArray(int[] value);
    ValueTask<string[]> EchoStringArray(string[] value);
    ValueTask<List<string>> EchoList(List<string> value);
    ValueTask<Dictionary<string, int>> EchoDictionary(Dictionary<string, int> value);
    ValueTask<Order> EchoOrder(Order value);
    ValueTask<List<Order>> EchoOrders(List<Order> value);
    Task<string> Concat(string a, int b, Guid c, Color d);
    Task DoNothing();
    ValueTask DoNothingValue();
}

public enum Color : byte
{
    Red = 1,
    Green = 2,
    Blue = 3,
}

[MemoryPackable]
public sealed partial record Order(string Sku, int Quantity, decimal Price, List<string> Tags, Dictionary<string, string>? Attributes);

/// <summary>Behaviour across processes: concurrency, cancellation, faults, identity, shutdown.</summary>
[ServiceContract(Name = "test.behaviour", Context = ServiceContext.System, MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength)]
[AllowAnyLocalUser]
public partial interface IBehaviour
{
    /// <summary>Waits <paramref name="milliseconds"/> then returns <paramref name="value"/>: lets many calls overlap.</summary>
    ValueTask<int> DelayedEcho(int value, int milliseconds);

    /// <summary>Waits until cancelled; records that the service-side token fired under <paramref name="key"/>.</summary>
    Task WaitForCancellation(string key, CancellationToken cancellationToken);

    /// <summary>Whether the service saw its token fire for <paramref name="key"/> (waits up to a few seconds for it).</summary>
    ValueTask<bool> WasCancelled(string key);

    /// <summary>Throws an <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    ValueTask<int> Fail(string message);

    /// <summary>The caller's identity as the kernel told the service: pid, uid, gid.</summary>
    ValueTask<CallerInfo> WhoAmI();

    /// <summary>Returns the service's own pid.</summary>
    ValueTask<int> ServicePid();

    /// <summary>Blocks until <see cref="ReleaseGate"/> is called, then returns <paramref name="value"/>.</summary>
    ValueTask<int> WaitForGate(int value);

    /// <summary>Signals that the service entered <see cref="WaitForGate"/> at least <paramref name="count"/> times.</summary>
    ValueTask<bool> GateEntered(int count);

    /// <summary>Releases every call waiting in <see cref="WaitForGate"/>.</summary>
    ValueTask ReleaseGate();
}

[MemoryPackable]
public sealed partial record CallerInfo(int ProcessId, uint UserId, uint GroupId);

/// <summary>A contract the test service does not serve: connecting to it must fail with a clear mismatch.</summary>
[ServiceContract(Name = "test.not-served")]
[AllowAnyLocalUser]
public partial interface INotServed
{
    ValueTask<int> PingAsync();
}

/// <summary>Per-method privilege rules of a system daemon, checked against real kernel identities.</summary>
[ServiceContract(Name = "test.privileged", Context = ServiceContext.System, MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength)]
public partial interface IPrivileged
{
    /// <summary>Anyone: returns the caller's uid as the service saw it.</summary>
    [AllowAnyLocalUser]
    ValueTask<uint> WhoCalls();

    /// <summary>Root only.</summary>
    [RequireRoot]
    ValueTask<string> RootOnly(string payload);

    /// <summary>Root or members of the group <c>cgen-e2e-admins</c>.</summary>
    [AllowCallers(Root = true, Groups = ["cgen-e2e-admins"])]
    ValueTask<string> AdminsOnly(string payload);
}

/// <summary>A per-user agent: by default only the user that runs it may call.</summary>
[ServiceContract(Name = "test.agent", Context = ServiceContext.User)]
public partial interface IAgent
{
    ValueTask<uint> WhoCalls();
}

/// <summary>Constraints checked by the generated validator before the implementation runs.</summary>
[ServiceContract(Name = "test.validated", MaxStringLength = 1000, MaxCollectionLength = 100, MaxByteLength = ServiceContractAttribute.DefaultMaxByteLength)]
public partial interface IValidated
{
    [AllowAnyLocalUser]
    ValueTask<int> PlaceOrder(
        [Required, StringLength(16, MinimumLength = 2)] string customer,
        [Range(1, 100)] int quantity,
        OrderRequest order,
        [SafePath(Root = "/srv/files")] string file);

    [AllowAnyLocalUser]
    ValueTask<int> Tag([RegularExpression("^(a+)+$")] string tag, [AllowedValues("red", "green")] string? color, Shade shade, Access access);

    [AllowAnyLocalUser]
    ValueTask<int> Unbounded(string text, List<int> numbers, byte[] blob);

    [AllowAnyLocalUser]
    ValueTask<int> Extra([DeniedValues("root", "admin")] string name, [Length(2, 4)] List<int> items, [EnumDataType(typeof(Shade))] int shadeCode, [Required(AllowEmptyStrings = true)] string note);

    [AllowAnyLocalUser]
    ValueTask<int> Encoded([Base64String] string data, [MinLength(2), MaxLength(3)] string[] names, [Range(0.5, 1.5)] double ratio);

    /// <summary>Bounds on each element and key, not only on how many there are.</summary>
    [AllowAnyLocalUser]
    ValueTask<int> Labels(
        [MaxLength(4), ElementMaxLength(5)] List<string> tags,
        [MaxLength(4), KeyMaxLength(3), ElementMaxLength(6)] Dictionary<string, byte[]> blobs,
        [MaxLength(3), ElementMaxLength(2), ElementMaxLength(4, Depth = 2)] List<List<string>> grid);
}

public enum Shade
{
    Light = 1,
    Dark = 2,
}

[Flags]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
}

[MemoryPackable]
public sealed partial record OrderRequest(
    [MaxLength(8)] string Reference,
    List<OrderLine> Lines,
    Dictionary<string, OrderLine>? Extras);

[MemoryPackable]
public sealed partial record OrderLine(
    [RegularExpression("[A-Z]{3}-[0-9]{3}")] string Sku,
    [Range(1, 10)] int Count,
    string? Note);

/// <summary>One-way messages and deadlines.</summary>
[ServiceContract(Name = "test.messaging", MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength)]
public partial interface IMessaging
{
    /// <summary>Appends <paramref name="sequence"/> to the service's log for <paramref name="key"/>, without a reply.</summary>
    [OneWay, AllowAnyLocalUser]
    Task Record(string key, [Range(0, 1_000_000)] int sequence);

    /// <summary>A one-way call that throws in the service: the caller never hears of it.</summary>
    [OneWay, AllowAnyLocalUser]
    ValueTask Explode(string key);

    /// <summary>The log for <paramref name="key"/> once it holds <paramref name="count"/> entries (or after a few seconds).</summary>
    [AllowAnyLocalUser]
    ValueTask<int[]> Recorded(string key, int count);

    /// <summary>Waits until the call's token fires; records when it did under <paramref name="key"/>.</summary>
    [AllowAnyLocalUser]
    Task WaitForever(string key, CancellationToken cancellationToken);

    /// <summary>Whether the token of <see cref="WaitForever"/> fired for <paramref name="key"/>.</summary>
    [AllowAnyLocalUser]
    ValueTask<bool> TokenFired(string key);
}

/// <summary>Server-to-client streams.</summary>
[ServiceContract(Name = "test.streams", MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength)]
public partial interface IStreams
{
    /// <summary>Streams 0..count-1.</summary>
    [AllowAnyLocalUser]
    IAsyncEnumerable<int> Count(int count, CancellationToken cancellationToken = default);

    /// <summary>Streams <paramref name="before"/> items, then throws.</summary>
    [AllowAnyLocalUser]
    IAsyncEnumerable<OrderLine> FailAfter(int before);

    /// <summary>Streams forever, counting what it produced under <paramref name="key"/>, until cancelled.</summary>
    [AllowAnyLocalUser]
    IAsyncEnumerable<int> Endless(string key, CancellationToken cancellationToken = default);

    /// <summary>How many items <see cref="Endless"/> produced for <paramref name="key"/>.</summary>
    [AllowAnyLocalUser]
    ValueTask<int> Produced(string key);

    /// <summary>Whether the producer of <paramref name="key"/> saw its token fire (waits a few seconds for it).</summary>
    [AllowAnyLocalUser]
    ValueTask<bool> ProducerCancelled(string key);
}

/// <summary>Version 1 of a contract, as an older build would have it.</summary>
[ServiceContract(Name = "test.versioned")]
public partial interface IVersionedV1
{
    [AllowAnyLocalUser]
    ValueTask<int> Add(int a, int b);

    [AllowAnyLocalUser]
    ValueTask<string> Describe(int value);
}

/// <summary>Version 2 of the same contract: one method added, one removed, one changed its parameter type.</summary>
[ServiceContract(Name = "test.versioned")]
public partial interface IVersionedV2
{
    [AllowAnyLocalUser]
    ValueTask<int> Add(int a, int b);

    [AllowAnyLocalUser]
    ValueTask<string> Describe(long value);

    [AllowAnyLocalUser]
    ValueTask<int> Multiply(int a, int b);
}

/// <summary>Faults of a system daemon: undeclared exceptions and declared faults.</summary>
[ServiceContract(Name = "test.faults", Context = ServiceContext.System, MaxStringLength = 4096)]
[AllowAnyLocalUser]
public partial interface IFaults
{
    /// <summary>Throws an <see cref="ArgumentException"/> with <paramref name="message"/>.</summary>
    ValueTask<int> Fail(string message);

    /// <summary>Throws <c>new ServiceFaultException(code, message)</c>.</summary>
    ValueTask<int> FailDeclared(string code, string message);
}

/// <summary>The same in a private helper's contract (served on the agent socket, which only this user can reach).</summary>
[ServiceContract(Name = "test.helper-faults", Context = ServiceContext.Application, MaxStringLength = 4096)]
public partial interface IHelperFaults
{
    /// <summary>Throws an <see cref="ArgumentException"/> with <paramref name="message"/>.</summary>
    ValueTask<int> Fail(string message);
}

/// <summary>
/// The hostile-client soak's target: one method per transferred shape (records, unions, lists, dictionaries, strings
/// nested in records and collections, enums, byte buffers, a recursive type), plus a slow call and a stream so that
/// duplicate call ids, cancels and stream credits meet calls that exist.
/// </summary>
[ServiceContract(Name = "test.soak", Context = ServiceContext.System, MaxStringLength = 256, MaxCollectionLength = 64, MaxByteLength = 4096)]
[AllowAnyLocalUser]
public partial interface ISoak
{
    /// <summary>A record holding nested strings, an enum, a list, a dictionary, a byte buffer and a union.</summary>
    ValueTask<int> Submit(Parcel parcel, Color color, byte[] blob);

    /// <summary>Unions in a list and as dictionary values, with string keys.</summary>
    ValueTask<int> Shapes(List<Figure> figures, Dictionary<string, Figure> named);

    /// <summary>Strings in an array and in lists inside a dictionary, and one top-level string.</summary>
    ValueTask<int> Labels(string[] labels, Dictionary<string, List<string>> groups, string note);

    /// <summary>Collections without any string: every hostile count reaches a collection reader.</summary>
    ValueTask<int> Numbers(List<int> list, Dictionary<int, long> map, int[] array, byte[] blob, Color color);

    /// <summary>A recursive record: the depth of the chain is the caller's choice.</summary>
    ValueTask<int> Depth(Link link);

    /// <summary>Waits, so that a second request with the same call id meets the first still in flight.</summary>
    ValueTask<int> Slow([Range(0, 1000)] int milliseconds);

    /// <summary>Streams 0..count-1, so that stream credits and cancels meet a stream.</summary>
    IAsyncEnumerable<int> Count([Range(0, 1000)] int count, CancellationToken cancellationToken = default);
}

[MemoryPackable]
public sealed partial record Parcel(string Label, Color Tint, List<string> Tags, Dictionary<string, int> Counts, byte[] Payload, Figure Shape);

/// <summary>A closed union: the daemon creates only these cases.</summary>
[MemoryPackable]
[MemoryPackUnion(0, typeof(Dot))]
[MemoryPackUnion(1, typeof(Caption))]
public abstract partial record Figure;

[MemoryPackable]
public sealed partial record Dot(double X, double Y) : Figure;

[MemoryPackable]
public sealed partial record Caption(string Text, Color Color) : Figure;

[MemoryPackable]
public sealed partial record Link(string? Name, Link? Next);

namespace ContractGen.CodeAnalysis;

/// <summary>Everything the emitter needs to know about one contract: plain strings and numbers, no symbols.</summary>
/// <param name="Namespace">The contract's namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">The types the interface is nested in, outermost first.</param>
/// <param name="InterfaceName">The interface's simple name, e.g. <c>IClock</c>.</param>
/// <param name="InterfaceType">The interface's fully qualified name, e.g. <c>global::Example.IClock</c>.</param>
/// <param name="BaseName">The name generated types start with, e.g. <c>Clock</c> for <c>ClockProxy</c>.</param>
/// <param name="Accessibility">The accessibility keyword(s) of the interface, reused for generated types.</param>
/// <param name="WireName">The name client and service agree on in the handshake.</param>
/// <param name="Context">The numeric value of the declared <c>ServiceContext</c>.</param>
/// <param name="Fingerprint">A hash of the wire name and every method's wire signature.</param>
/// <param name="Methods">The contract's methods, its own first, then inherited ones.</param>
/// <param name="FormatterRegistrations">Formatter registrations that make serialization AOT-safe (see <see cref="FormatterRegistration"/>).</param>
/// <param name="IsObsolete">Whether the interface or a containing type is <c>[Obsolete]</c>: the generated types are marked obsolete too.</param>
/// <param name="Shapes">The wire layouts of the objects and unions the contract transfers, which the generated scanner proves.</param>
internal sealed record ContractModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string InterfaceName,
    string InterfaceType,
    string BaseName,
    string Accessibility,
    string WireName,
    int Context,
    ulong Fingerprint,
    EquatableArray<MethodModel> Methods,
    EquatableArray<FormatterRegistration> FormatterRegistrations,
    EquatableArray<TypeValidatorModel> TypeValidators = default,
    bool IsObsolete = false,
    EquatableArray<ShapeDefinition> Shapes = default);

/// <summary>A type that contains the contract interface; generated types are nested in it too.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>How a method returns.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,

    /// <summary>An <c>IAsyncEnumerable&lt;T&gt;</c>: a stream of results with flow control.</summary>
    AsyncEnumerable,
}

/// <summary>One contract method.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="MemberName">A unique C# identifier for the method within the contract (overloads get a suffix).</param>
/// <param name="DeclaringInterface">The fully qualified interface that declares the method (a base contract for inherited ones).</param>
/// <param name="Id">The stable wire identifier: FNV-1a of <paramref name="Signature"/>.</param>
/// <param name="Signature">The wire signature, e.g. <c>AddAsync(long,long):long</c>.</param>
/// <param name="ReturnKind">Task or ValueTask, with or without a result.</param>
/// <param name="ReturnType">The fully qualified declared return type.</param>
/// <param name="Result">The result's wire type, or null for no result.</param>
/// <param name="Parameters">The parameters that cross the wire.</param>
/// <param name="CancellationTokenName">The trailing <c>CancellationToken</c> parameter's name, or null.</param>
/// <param name="IsOneWay">Whether the method is <c>[OneWay]</c>: sent without waiting for a reply.</param>
/// <param name="Policy">The authorization rules that apply (contract, method, or the context's default); every one must pass. Empty: any local user.</param>
/// <param name="IsObsolete">
/// Whether the method, a type it sends or returns, or a type its validator checks, is <c>[Obsolete]</c>. The generated
/// members for it are marked obsolete too: inside them, using obsolete symbols is not reported, whatever the level or
/// diagnostic ID (see <see cref="ObsoleteContexts"/>).
/// </param>
internal sealed record MethodModel(
    string Name,
    string MemberName,
    string DeclaringInterface,
    uint Id,
    string Signature,
    ReturnKind ReturnKind,
    string ReturnType,
    WireTypeModel? Result,
    EquatableArray<ParameterModel> Parameters,
    string? CancellationTokenName,
    EquatableArray<CallerRuleModel> Policy,
    bool IsOneWay = false,
    bool IsObsolete = false);

/// <summary>One authorization rule: a caller meeting any criterion passes.</summary>
internal sealed record CallerRuleModel(bool Root, bool SameUser, EquatableArray<string> Users, EquatableArray<uint> UserIds, EquatableArray<string> Groups);

/// <summary>A parameter that crosses the wire.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Type">How it crosses the wire.</param>
/// <param name="Check">What the service checks before the implementation sees it, or null when nothing.</param>
internal sealed record ParameterModel(string Name, WireTypeModel Type, CheckModel? Check = null);

/// <summary>How a value is encoded; picks the MemoryPack call the emitter writes.</summary>
internal enum WireKind
{
    /// <summary>A fixed-size value every bit pattern of which is valid: <c>WriteUnmanaged</c>.</summary>
    Unmanaged,

    /// <summary>A <c>bool</c>: written unmanaged, read with a check for 0 or 1.</summary>
    Boolean,

    /// <summary>A <c>string</c>.</summary>
    String,

    /// <summary>A <c>byte[]</c>.</summary>
    ByteArray,

    /// <summary>A <c>ReadOnlyMemory&lt;byte&gt;</c>: sliced without a copy on the service side.</summary>
    ByteMemory,

    /// <summary>A <c>[MemoryPackable]</c> type: <c>WritePackable</c>.</summary>
    Packable,

    /// <summary>Anything else MemoryPack has a formatter for (arrays, lists, dictionaries): <c>WriteValue</c>.</summary>
    Formatted,
}

/// <summary>A type as it crosses the wire.</summary>
/// <param name="TypeName">The fully qualified C# name, with nullable annotations, e.g. <c>global::System.Collections.Generic.List&lt;string?&gt;</c>.</param>
/// <param name="Kind">How it is encoded.</param>
/// <param name="IsNullable">Whether null is an allowed value (a non-nullable reference read as null is a malformed message).</param>
/// <param name="IsValueType">Whether the type is a struct (a <c>[MemoryPackable]</c> struct reads back as a value, never null).</param>
/// <param name="Shape">Its wire layout, which the generated scanner proves before MemoryPack decodes it.</param>
internal sealed record WireTypeModel(string TypeName, WireKind Kind, bool IsNullable, bool IsValueType = false, ShapeModel? Shape = null);

/// <summary>A formatter that generated code registers with MemoryPack before first use.</summary>
/// <param name="TypeName">For a packable type, the type; otherwise the formatter type to instantiate.</param>
/// <param name="IsPackable">Whether this registers a <c>[MemoryPackable]</c> type's own formatter.</param>
/// <param name="IsObsolete">Whether the registration names an obsolete type (the registering code is marked obsolete too).</param>
internal sealed record FormatterRegistration(string TypeName, bool IsPackable, bool IsObsolete = false);

using System.Collections.Immutable;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;

namespace ContractGen.Analyzers;

/// <summary>
/// Every diagnostic ContractGen reports, in one place. The message arguments are the ones
/// <see cref="ContractParser"/> puts in each <see cref="ContractProblem"/>; the help links point at
/// <c>docs/diagnostics/CGENxxxx.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string ContractCategory = "ContractGen.Contract";
    private const string ConfigurationCategory = "ContractGen.Configuration";
    private const string HelpLinkBase = "https://github.com/contractgen/contractgen/blob/main/docs/diagnostics/";

    /// <summary>{0}: the type that is not partial; {1}: the contract.</summary>
    public static readonly DiagnosticDescriptor ContractMustBePartial = new(
        id: DiagnosticIds.ContractMustBePartial,
        title: "Service contract or its containing type not partial",
        messageFormat: "Add the 'partial' modifier to '{0}' so that ContractGen can generate the code of service contract '{1}'",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ContractGen generates the proxy, dispatcher and descriptor of a contract next to the interface, inside every type that contains it. "
            + "The interface and each containing type must therefore be declared partial. No code is generated until they are.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ContractMustBePartial + ".md");

    /// <summary>{0}: the parameter; {1}: the method; {2}: the modifier as written in C#.</summary>
    public static readonly DiagnosticDescriptor UnsupportedParameterModifier = new(
        id: DiagnosticIds.UnsupportedParameterModifier,
        title: "Contract parameter passed by reference",
        messageFormat: "Remove the '{2}' modifier from parameter '{0}' of '{1}' and return any result through the method's Task or ValueTask",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Arguments are copied into a message and sent to another process, which cannot write back into the caller's variables. "
            + "Parameters of a contract method are therefore passed by value only: no ref, out, in or ref readonly.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsupportedParameterModifier + ".md");

    /// <summary>{0}: the method.</summary>
    public static readonly DiagnosticDescriptor GenericMethod = new(
        id: DiagnosticIds.GenericMethod,
        title: "Generic contract method",
        messageFormat: "Remove the type parameters of contract method '{0}' and declare one method per concrete type",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A contract method has one fixed wire signature that both processes compile against. "
            + "A type parameter would let the caller choose, at run time, what the service decodes, which the service cannot check.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.GenericMethod + ".md");

    /// <summary>{0}: the method; {1}: its return type.</summary>
    public static readonly DiagnosticDescriptor UnsupportedReturnType = new(
        id: DiagnosticIds.UnsupportedReturnType,
        title: "Contract method not asynchronous",
        messageFormat: "Change the return type of '{0}' from '{1}' to Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every call to a contract method goes to another process and may wait, fail or be cancelled. "
            + "A contract method therefore returns Task, Task<T>, ValueTask or ValueTask<T>, so that the caller can await it, or IAsyncEnumerable<T> for a stream of results.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsupportedReturnType + ".md");

    /// <summary>{0}: what carries the type (a parameter or a result); {1}: why it cannot cross and what to send instead.</summary>
    public static readonly DiagnosticDescriptor UnsupportedWireType = new(
        id: DiagnosticIds.UnsupportedWireType,
        title: "Type that cannot cross the process boundary",
        messageFormat: "Change the type of {0}: {1}",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only data crosses a security boundary: primitives, strings, byte buffers, arrays, lists and dictionaries of those, and [MemoryPackable] types. "
            + "Interfaces, delegates, object, dynamic and pointers would pass live object references or addresses (object remoting), which another process must never receive.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsupportedWireType + ".md");

    /// <summary>{0}: the colliding signatures, joined by <c>' and '</c>; {1}: the contract; {2}: the shared id in hex.</summary>
    public static readonly DiagnosticDescriptor MethodIdentityCollision = new(
        id: DiagnosticIds.MethodIdentityCollision,
        title: "Contract methods with the same wire id",
        messageFormat: "Rename one of the methods '{0}' of contract '{1}': they share the wire id 0x{2}, so the service could not tell them apart",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each method is identified on the wire by a hash of its name, parameter types and result type. "
            + "Two methods with the same id, for example the same signature inherited from two base interfaces, would be indistinguishable.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.MethodIdentityCollision + ".md");

    /// <summary>{0}: the member; {1}: the contract.</summary>
    public static readonly DiagnosticDescriptor NonMethodMember = new(
        id: DiagnosticIds.NonMethodMember,
        title: "Contract member that is not a method",
        messageFormat: "Replace member '{0}' of contract '{1}' with a method that returns Task or ValueTask",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only methods cross the wire. A property would hide a call to another process behind a field-like read, "
            + "and an event would make the service call back into its client, which a daemon never does.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.NonMethodMember + ".md");

    /// <summary>{0}: the parameter; {1}: the method.</summary>
    public static readonly DiagnosticDescriptor MisplacedCancellationToken = new(
        id: DiagnosticIds.MisplacedCancellationToken,
        title: "CancellationToken not the last parameter",
        messageFormat: "Move CancellationToken parameter '{0}' to the end of the parameter list of '{1}'",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A CancellationToken never crosses the wire: the proxy turns it into a cancel message for the call. "
            + "A contract method takes at most one, as its last parameter.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.MisplacedCancellationToken + ".md");

    /// <summary>{0}: the contract.</summary>
    public static readonly DiagnosticDescriptor GenericContract = new(
        id: DiagnosticIds.GenericContract,
        title: "Generic service contract",
        messageFormat: "Remove the type parameters of service contract '{0}' and declare one contract per concrete type",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A service contract has one wire name and one fixed shape that client and service agree on in the handshake. "
            + "A generic interface has no single shape, so no proxy or dispatcher can be generated for it.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.GenericContract + ".md");

    /// <summary>{0}: the method.</summary>
    public static readonly DiagnosticDescriptor OneWayWithResult = new(
        id: DiagnosticIds.OneWayWithResult,
        title: "One-way method with a result",
        messageFormat: "Remove [OneWay] from '{0}', or make it return Task or ValueTask: a one-way call gets no reply that could carry a result",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A [OneWay] method is sent without waiting for the service, and the service sends no reply. "
            + "It can therefore return only Task or ValueTask, which complete once the message is sent.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.OneWayWithResult + ".md");

    /// <summary>{0}: the private or protected types, e.g. <c>'Inner' (private)</c>, joined by <c> and </c>; {1}: the contract.</summary>
    public static readonly DiagnosticDescriptor ContractNotReachable = new(
        id: DiagnosticIds.ContractNotReachable,
        title: "Service contract hidden from module-level code",
        messageFormat: "Make {0} internal or public, so that the code generated for service contract '{1}' can register it when the assembly loads",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ContractGen registers each contract with the runtime from a module initializer, so that connections and hosts find it without reflection. "
            + "A module initializer can only name types that code anywhere in the assembly can reach, which a private, protected or file-local interface, or one nested in such a type, is not. "
            + "No code is generated for such a contract.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ContractNotReachable + ".md");

    /// <summary>{0}: the contract or method, e.g. <c>method 'ResetAsync():void' of contract 'com.example.clock'</c>; {1}: what changed.</summary>
    public static readonly DiagnosticDescriptor ContractChangedFromLock = new(
        id: DiagnosticIds.ContractChangedFromLock,
        title: "Contract changed from its entry in ContractGen.lock.txt",
        messageFormat: "Restore {0} as recorded in ContractGen.lock.txt ({1}), or if the change is intended, record it with the fix 'Update ContractGen.lock.txt' or 'dotnet build -p:ContractGenUpdateLock=true' and have it reviewed",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "ContractGen.lock.txt records, for every contract of the project, each method's wire signature, who may call it and what is validated before it runs. "
            + "A removed or reshaped method breaks clients built against the recorded contract, and a loosened authorization rule or a removed validator widens the attack surface, "
            + "so each is a build error until the lock file is updated on purpose, which shows the change as a diff in one reviewed file.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ContractChangedFromLock + ".md");

    /// <summary>{0}: what is new, e.g. <c>method 'PingAsync():void' of contract 'com.example.clock'</c>.</summary>
    public static readonly DiagnosticDescriptor ContractNotInLock = new(
        id: DiagnosticIds.ContractNotInLock,
        title: "Contract or method not recorded in ContractGen.lock.txt",
        messageFormat: "Record the new {0} in ContractGen.lock.txt with the fix 'Update ContractGen.lock.txt' or 'dotnet build -p:ContractGenUpdateLock=true', so that later changes to it are caught",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The project has a ContractGen.lock.txt, but a contract or method is not in it yet. "
            + "Adding a method breaks no client, so this is a warning; until it is recorded, a later change to its shape or its rules goes unnoticed.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ContractNotInLock + ".md");

    /// <summary>The rules <c>ContractLockAnalyzer</c> checks against the lock file.</summary>
    public static ImmutableArray<DiagnosticDescriptor> LockFile { get; } = ImmutableArray.Create(ContractChangedFromLock, ContractNotInLock);

    /// <summary>{0}: the wire name; {1}: the contract.</summary>
    public static readonly DiagnosticDescriptor InvalidContractName = new(
        id: DiagnosticIds.InvalidContractName,
        title: "Invalid contract wire name",
        messageFormat: "Change the wire name '{0}' of service contract '{1}' to 1 to 256 characters without whitespace or control characters, such as 'com.example.clock'",
        category: ConfigurationCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Client and service find each other by the contract's wire name during the handshake, and it appears in logs and socket paths. "
            + "It must be non-empty, at most 256 characters long, and contain no whitespace or control characters.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.InvalidContractName + ".md");

    /// <summary>The rules the parser checks, in ID order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> ContractStructure { get; } = ImmutableArray.Create(
        ContractMustBePartial,
        UnsupportedParameterModifier,
        GenericMethod,
        UnsupportedReturnType,
        UnsupportedWireType,
        MethodIdentityCollision,
        NonMethodMember,
        MisplacedCancellationToken,
        GenericContract,
        OneWayWithResult,
        ContractNotReachable,
        InvalidContractName);

    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById =
        ContractStructure.ToImmutableDictionary(d => d.Id, d => d);

    /// <summary>The descriptor of a problem's ID, or null for an ID the analyzers do not know (a parser newer than this file).</summary>
    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : null;
}

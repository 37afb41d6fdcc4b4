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
    private const string SecurityCategory = "ContractGen.Security";
    private const string UsageCategory = "ContractGen.Usage";
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

    // What may cross a privilege boundary: the transfer rules (src/ContractGen.CodeAnalysis.Shared/Transfer). The parser
    // reports CGEN1013, CGEN3004 and CGEN3005 for a parameter or result itself; the rule analyzers report CGEN1013,
    // CGEN3001 and CGEN3004 for what lies inside a [MemoryPackable] type.
    /// <summary>{0}: what carries the type (a parameter, a result, or a member path within one); {1}: the type; {2}: what is wrong with it.</summary>
    public static readonly DiagnosticDescriptor NotMemoryPackable = new(
        id: DiagnosticIds.NotMemoryPackable,
        title: "Transferred type without a MemoryPack formatter",
        messageFormat: "Make '{1}' [MemoryPackable] partial, with its containing types partial, so that {0} can be serialized: {2}",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A class, struct or record of your own crosses the wire through MemoryPack, which writes only types marked [MemoryPackable] and declared partial, "
            + "together with every type that contains them, so that its generator can add the formatter. Without one the call fails to compile or fails at run time.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.NotMemoryPackable + ".md");

    /// <summary>{0}: the member path and what carries it; {1}: why it cannot cross and what to send instead.</summary>
    public static readonly DiagnosticDescriptor ObjectRemoting = new(
        id: DiagnosticIds.ObjectRemoting,
        title: "Live object inside a transferred type",
        messageFormat: "Change the type of {0}: {1}",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Only data may cross a privilege boundary. A member of a transferred type that is an interface, a delegate, object, dynamic, a pointer, a Stream, a Task, "
            + "a MarshalByRefObject, a System.Type or a type MemoryPack cannot serialize would hand the other process a live object, a callback or an address, or fail at run time. "
            + "It is an error in System and User contracts and a warning in Application contracts, whose private helper runs with the application's own privileges.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ObjectRemoting + ".md");

    /// <summary>{0}: what carries the type (a parameter, a result, or a member path within one); {1}: the abstract type.</summary>
    public static readonly DiagnosticDescriptor OpenPolymorphism = new(
        id: DiagnosticIds.OpenPolymorphism,
        title: "Abstract transferred type without union cases",
        messageFormat: "List the concrete types of '{1}' with [MemoryPackable] and [MemoryPackUnion] attributes, or use a sealed data type, for {0}",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The receiver of an abstract class or interface must create some concrete object from the bytes. "
            + "A closed set of [MemoryPackUnion] cases is the list of types it may create; without one MemoryPack cannot decode the value, and an open set would let the sender choose the type.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.OpenPolymorphism + ".md");

    /// <summary>{0}: the parameter; {1}: the method; {2}: the parameter's type.</summary>
    public static readonly DiagnosticDescriptor DaemonCallback = new(
        id: DiagnosticIds.DaemonCallback,
        title: "Callback into the clients of a system daemon",
        messageFormat: "Remove callback parameter '{0}' ('{2}') of '{1}': a system daemon never calls into its clients, so return IAsyncEnumerable<T> for a stream of results the client opens",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A ServiceContext.System contract is served by a daemon that any local user may call. "
            + "The daemon answers requests and never initiates contact with a user process, so a delegate, IProgress<T>, IObserver<T> or other interface parameter it would call back through is refused. "
            + "Progress and events travel as an IAsyncEnumerable<T> result, a stream the client opens and controls.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.DaemonCallback + ".md");

    // Safety rules of System contracts, the cancellation suggestion and the call-site rule.

    /// <summary>{0}: the method.</summary>
    public static readonly DiagnosticDescriptor MissingCancellationToken = new(
        id: DiagnosticIds.MissingCancellationToken,
        title: "Contract method without a CancellationToken",
        messageFormat: "Add a trailing CancellationToken parameter to '{0}' so that its callers can cancel the call and the service hears of it",
        category: ContractCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "A call to another process can wait for a long time. A trailing CancellationToken lets the caller give up, and the proxy then tells the service, whose own token fires. "
            + "One-way methods are exempt: their call completes once the message is sent.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.MissingCancellationToken + ".md");

    /// <summary>{0}: "parameter" or "member"; {1}: its path; {2}: the method.</summary>
    public static readonly DiagnosticDescriptor ClientSuppliedIdentity = new(
        id: DiagnosticIds.ClientSuppliedIdentity,
        title: "Caller identity taken from the client",
        messageFormat: "Remove {0} '{1}' of '{2}' and read who is calling from ServiceCallContext.Current.Caller, which the kernel vouches for",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A system daemon serves every local user, so any value the client sends can be a lie. "
            + "The caller's uid, gid and pid come from the kernel (peer credentials) through ServiceCallContext.Current.Caller; a parameter or member that claims them invites privilege escalation.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ClientSuppliedIdentity + ".md");

    /// <summary>{0}: "parameter" or "member"; {1}: its path; {2}: the method; {3}: the attribute to add; {4}: the contract-wide setting.</summary>
    public static readonly DiagnosticDescriptor UnboundedInput = new(
        id: DiagnosticIds.UnboundedInput,
        title: "Unbounded input in a System contract",
        messageFormat: "Bound {0} '{1}' of '{2}' with [{3}(...)], or set {4} on the contract's [ServiceContract]",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Every string, byte buffer and collection a system daemon receives should have a size chosen for it. "
            + "Without one, only the generous contract-wide default limits what any local user can make the daemon decode and hold in memory.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnboundedInput + ".md");

    /// <summary>{0}: the method; {1}: the contract.</summary>
    public static readonly DiagnosticDescriptor MissingAuthorization = new(
        id: DiagnosticIds.MissingAuthorization,
        title: "System contract method without a caller rule",
        messageFormat: "Declare who may call '{0}' of '{1}' with [AllowAnyLocalUser], [RequireRoot] or [AllowCallers(...)] on the method or the contract",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A method of a system daemon without a caller rule is open to every local user. "
            + "Saying so on purpose, or restricting it, makes the decision visible in review instead of an accident of the default.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.MissingAuthorization + ".md");

    /// <summary>{0}: "parameter" or "member"; {1}: its path; {2}: the method.</summary>
    public static readonly DiagnosticDescriptor UnsafePath = new(
        id: DiagnosticIds.UnsafePath,
        title: "Path-like string without [SafePath]",
        messageFormat: "Add [SafePath] to {0} '{1}' of '{2}' so that the service refuses absolute paths, '..' and '~' before it touches the file system",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A privileged service that opens a path a client chose can be made to read or write any file it can. "
            + "[SafePath] makes the generated validator accept only a relative path without '..' segments, inside Root when one is given.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnsafePath + ".md");

    /// <summary>{0}: what carries the value (a parameter or the result of a method); {1}: the path to the layout and why it is not proven.</summary>
    public static readonly DiagnosticDescriptor UnprovenWireLayout = new(
        id: DiagnosticIds.UnprovenWireLayout,
        title: "Transferred type whose wire layout ContractGen cannot prove",
        messageFormat: "Change {0} so that ContractGen can check its bytes before MemoryPack decodes them: {1}",
        category: SecurityCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Before MemoryPack decodes a payload, generated code proves every length, string, header and tag in it, because MemoryPack's reader trusts them. "
            + "It can do so only for layouts it knows: MemoryPack's default GenerateType.Object, unions, unmanaged structs, strings, arrays, lists, sets, dictionaries and nullables. "
            + "A custom formatter, [MemoryPackAllowSerialize], GenerateType.VersionTolerant, CircularReference, Collection or NoGenerate, or a [MemoryPackable] type from another assembly "
            + "would be decoded unchecked. It is an error in System and User contracts and a warning in Application contracts.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.UnprovenWireLayout + ".md");

    /// <summary>{0}: the contract method; {1}: how the caller blocks.</summary>
    public static readonly DiagnosticDescriptor SyncOverAsyncCall = new(
        id: DiagnosticIds.SyncOverAsyncCall,
        title: "Blocking wait on a service call",
        messageFormat: "Await the call to '{0}' instead of blocking on it with '{1}'",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A service call waits for another process, which may be slow, restarting or gone. "
            + "Blocking a thread on it wastes the thread for that time and deadlocks where the completion needs the blocked thread (a UI or single-threaded context).",
        helpLinkUri: HelpLinkBase + DiagnosticIds.SyncOverAsyncCall + ".md");

    /// <summary>{0}: a System contract the host serves.</summary>
    public static readonly DiagnosticDescriptor ExceptionDetailsInSystemDaemon = new(
        id: DiagnosticIds.ExceptionDetailsInSystemDaemon,
        title: "Exception details sent to the callers of a System daemon",
        messageFormat: "Remove 'IncludeExceptionDetails = true': this host serves System contract '{0}', so every local user would receive its exception messages and stack traces; throw ServiceFaultException for what callers should see",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A System daemon is called by every local user. With IncludeExceptionDetails the message and stack trace of every exception its implementation throws go to the caller, "
            + "and they carry file paths, user names, connection strings and internal state. "
            + "By default the caller learns only that the call failed and a fault id the daemon logs with the exception. "
            + "Faults a contract means its callers to see are thrown as ServiceFaultException and travel whatever the option says.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ExceptionDetailsInSystemDaemon + ".md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    /// <summary>{0}: whose connection, e.g. "the System contract 'IClock'".</summary>
    public static readonly DiagnosticDescriptor ServerIdentityCheckOff = new(
        id: DiagnosticIds.ServerIdentityCheckOff,
        title: "Server identity check turned off",
        messageFormat: "Keep VerifyServerIdentity on for {0} and set ExpectedServerUserId to the uid the service runs as, instead of accepting whoever answers on the socket",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "ServiceConnectionOptions.VerifyServerIdentity makes a client refuse, before it sends anything, a service that does not run as root or the expected uid (System contracts) or as the client's own user (User contracts). "
            + "Without it, any local user who can put a socket at the path, or bind it first, reads every argument and answers every call.",
        helpLinkUri: HelpLinkBase + DiagnosticIds.ServerIdentityCheckOff + ".md");

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
        InvalidContractName,
        // Transfer rules the parser applies to a parameter or result itself (the generator cannot emit those).
        NotMemoryPackable,
        OpenPolymorphism,
        DaemonCallback);

    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById =
        ContractStructure.ToImmutableDictionary(d => d.Id, d => d);

    /// <summary>The descriptor of a problem's ID, or null for an ID the analyzers do not know (a parser newer than this file).</summary>
    public static DiagnosticDescriptor? Find(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : null;
}

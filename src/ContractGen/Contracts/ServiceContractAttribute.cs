namespace ContractGen;

/// <summary>
/// Marks a <see langword="partial"/> interface as a service contract. ContractGen generates a client proxy,
/// a daemon-side dispatcher and the contract's descriptor for it at compile time.
/// </summary>
/// <remarks>
/// Every method must return <see cref="System.Threading.Tasks.Task"/>, <see cref="System.Threading.Tasks.Task{TResult}"/>,
/// <see cref="System.Threading.Tasks.ValueTask"/> or <see cref="System.Threading.Tasks.ValueTask{TResult}"/>, and may take a
/// trailing <see cref="System.Threading.CancellationToken"/>. Only data crosses the boundary: parameters and results are
/// primitives, strings, byte buffers, collections of those, or <c>[MemoryPackable]</c> types.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class ServiceContractAttribute : Attribute
{
    /// <summary>
    /// The contract's wire name, for example <c>com.example.clock</c>. Client and service agree on this name during the
    /// handshake, so it must not change between versions. Defaults to the interface's full name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The security context the service runs in. Defaults to <see cref="ServiceContext.System"/>, the strictest.</summary>
    public ServiceContext Context { get; set; } = ServiceContext.System;

    /// <summary>
    /// The longest string, in characters, any argument or member may carry unless an attribute on it says otherwise
    /// (<c>[MaxLength]</c>, <c>[StringLength]</c>, <c>[Length]</c>). Default: 65,536.
    /// </summary>
    public int MaxStringLength { get; set; } = DefaultMaxStringLength;

    /// <summary>The most elements any array, list or dictionary may carry unless an attribute on it says otherwise. Default: 65,536.</summary>
    public int MaxCollectionLength { get; set; } = DefaultMaxCollectionLength;

    /// <summary>The most bytes any <c>byte[]</c> or <c>ReadOnlyMemory&lt;byte&gt;</c> may carry unless an attribute on it says otherwise. Default: 1 MiB.</summary>
    public int MaxByteLength { get; set; } = DefaultMaxByteLength;

    /// <summary>The default of <see cref="MaxStringLength"/>.</summary>
    public const int DefaultMaxStringLength = 64 * 1024;

    /// <summary>The default of <see cref="MaxCollectionLength"/>.</summary>
    public const int DefaultMaxCollectionLength = 64 * 1024;

    /// <summary>The default of <see cref="MaxByteLength"/>.</summary>
    public const int DefaultMaxByteLength = 1024 * 1024;
}

/// <summary>Which kind of background process serves a contract, in launchd's terms.</summary>
public enum ServiceContext
{
    /// <summary>A launch daemon: one per machine, runs as root or a service user, called by any local user.</summary>
    System = 0,

    /// <summary>A launch agent: one per logged-in user, called by processes of that same user.</summary>
    User = 1,

    /// <summary>An XPC-style private helper: started on demand by one application, reachable only by it.</summary>
    Application = 2,
}

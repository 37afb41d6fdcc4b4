using System.Collections.Frozen;
using System.ComponentModel;

namespace ContractGen;

/// <summary>
/// What both sides of a connection know about a contract: its wire name, context, shape fingerprint and methods.
/// Instances are created by generated code; user code reads them.
/// </summary>
public abstract class ContractDescriptor
{
    private readonly FrozenDictionary<uint, MethodDescriptor> _methodsById;

    private protected ContractDescriptor(string name, ServiceContext context, ulong fingerprint, MethodDescriptor[] methods)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(methods);
        Name = name;
        Context = context;
        Fingerprint = fingerprint;
        Methods = methods;
        _methodsById = methods.ToFrozenDictionary(m => m.Id);
    }

    /// <summary>The contract's wire name (<see cref="ServiceContractAttribute.Name"/>).</summary>
    public string Name { get; }

    /// <summary>The security context declared on the contract.</summary>
    public ServiceContext Context { get; }

    /// <summary>A hash of the contract's name and every method's wire signature; equal fingerprints mean identical shapes.</summary>
    public ulong Fingerprint { get; }

    /// <summary>The contract's methods, including those inherited from base contracts.</summary>
    public IReadOnlyList<MethodDescriptor> Methods { get; }

    /// <summary>The CLR type of the contract interface.</summary>
    public abstract Type ContractType { get; }

    /// <summary>Looks up a method by its wire identifier.</summary>
    public bool TryGetMethod(uint methodId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MethodDescriptor? method)
        => _methodsById.TryGetValue(methodId, out method);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (fingerprint {Fingerprint:x16})";
}

/// <summary>The descriptor of the contract <typeparamref name="TContract"/>, with factories for its generated proxy and dispatcher.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public sealed class ContractDescriptor<TContract> : ContractDescriptor
    where TContract : class
{
    private readonly Func<ServiceConnection, TContract> _proxyFactory;
    private readonly Func<TContract, ServiceDispatcher> _dispatcherFactory;

    /// <summary>Called by generated code only.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ContractDescriptor(
        string name,
        ServiceContext context,
        ulong fingerprint,
        MethodDescriptor[] methods,
        Func<ServiceConnection, TContract> proxyFactory,
        Func<TContract, ServiceDispatcher> dispatcherFactory)
        : base(name, context, fingerprint, methods)
    {
        _proxyFactory = proxyFactory ?? throw new ArgumentNullException(nameof(proxyFactory));
        _dispatcherFactory = dispatcherFactory ?? throw new ArgumentNullException(nameof(dispatcherFactory));
    }

    /// <inheritdoc/>
    public override Type ContractType => typeof(TContract);

    /// <summary>Creates the generated client proxy over <paramref name="connection"/>.</summary>
    public TContract CreateProxy(ServiceConnection connection) => _proxyFactory(connection);

    /// <summary>Creates the generated dispatcher that serves <paramref name="implementation"/>.</summary>
    public ServiceDispatcher CreateDispatcher(TContract implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return _dispatcherFactory(implementation);
    }
}

/// <summary>One method of a contract as it is known on the wire.</summary>
/// <param name="Id">The stable wire identifier: a hash of <paramref name="Signature"/>, independent of declaration order.</param>
/// <param name="Name">The method's name in the contract interface.</param>
/// <param name="Signature">The wire signature, e.g. <c>AddAsync(System.Int64,System.Int64):System.Int64</c>.</param>
public sealed record MethodDescriptor(uint Id, string Name, string Signature)
{
    /// <summary>Describes a method and who may call it.</summary>
    /// <param name="id">The stable wire identifier.</param>
    /// <param name="name">The method's name in the contract interface.</param>
    /// <param name="signature">The wire signature.</param>
    /// <param name="policy">Who may call the method (the generated <c>Policies</c> entry).</param>
    public MethodDescriptor(uint id, string name, string signature, Security.CallerPolicy policy)
        : this(id, name, signature)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
    }

    /// <summary>
    /// Who may call the method. The host checks it before it creates a per-call or per-connection implementation, so
    /// nothing of the implementation runs for a caller the contract refuses. Any local user when not given.
    /// </summary>
    public Security.CallerPolicy Policy { get; } = Security.CallerPolicy.AnyLocalUser;
}

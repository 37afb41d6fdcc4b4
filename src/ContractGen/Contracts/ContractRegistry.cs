using System.Collections.Concurrent;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace ContractGen;

/// <summary>
/// Maps contract interfaces to their generated descriptors. Generated code registers each contract from a module
/// initializer, so <c>ServiceConnection.ConnectAsync&lt;TContract&gt;</c>
/// and <see cref="ServiceHost.AddService{TContract}(TContract)"/> find them without reflection.
/// </summary>
public static class ContractRegistry
{
    private static readonly ConcurrentDictionary<Type, ContractDescriptor> s_descriptors = new();

    /// <summary>Registers a generated descriptor. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register<TContract>(ContractDescriptor<TContract> descriptor)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        s_descriptors[typeof(TContract)] = descriptor;
    }

    /// <summary>Returns the descriptor generated for <typeparamref name="TContract"/>.</summary>
    /// <exception cref="ContractNotGeneratedException">No code was generated for the interface.</exception>
    public static ContractDescriptor<TContract> Get<TContract>()
        where TContract : class
    {
        if (TryGet<TContract>(out var descriptor))
        {
            return descriptor;
        }

        throw new ContractNotGeneratedException(typeof(TContract));
    }

    /// <summary>Looks up the descriptor generated for <typeparamref name="TContract"/>.</summary>
    public static bool TryGet<TContract>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ContractDescriptor<TContract>? descriptor)
        where TContract : class
    {
        if (!s_descriptors.TryGetValue(typeof(TContract), out var found))
        {
            // The registering module initializer runs when its assembly's module is first touched; asking for it
            // explicitly covers a contract whose assembly has not run any code yet.
            RuntimeHelpers.RunModuleConstructor(typeof(TContract).Module.ModuleHandle);
            s_descriptors.TryGetValue(typeof(TContract), out found);
        }

        descriptor = found as ContractDescriptor<TContract>;
        return descriptor is not null;
    }
}

using ContractGen;

namespace ContractGen.Benchmarks;

/// <summary>The smallest useful call: two ints in, one int out. The same payload the raw floor carries.</summary>
[ServiceContract(Name = "contractgen.benchmarks.adder", Context = ServiceContext.User)]
public partial interface IAdder
{
    /// <summary>Returns <paramref name="a"/> + <paramref name="b"/>.</summary>
    ValueTask<int> AddAsync(int a, int b);
}

/// <summary>The service implementation: completes synchronously, so the benchmark measures the plumbing only.</summary>
public sealed class Adder : IAdder
{
    /// <inheritdoc/>
    public ValueTask<int> AddAsync(int a, int b) => ValueTask.FromResult(unchecked(a + b));
}

using System;
using System.Linq;
using ContractGen.Generator.Tests.Infrastructure;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// Contracts that mark methods, types or the contract itself <c>[Obsolete]</c>: the service must keep serving them to
/// old clients, and the generated code must compile without a warning (users build with warnings as errors).
/// </summary>
public sealed class ObsoleteMemberTests
{
    [Fact]
    public void Obsolete_methods_compile_without_warnings()
        => GeneratorHarness.Run("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Obsolete;

            [ServiceContract(Name = "example.obsolete")]
            public partial interface IObsoleteMethods
            {
                [Obsolete]
                ValueTask<long> AddAsync(long a, long b);

                [Obsolete("Use AddAsync.")]
                Task PlusAsync(int a, CancellationToken cancellationToken);

                [Obsolete("Old clients only.", DiagnosticId = "EX0001")]
                Task NotifyAsync(string message);

                ValueTask<int> CurrentAsync();
            }
            """);

    [Fact]
    public void Methods_obsolete_with_error_compile_and_are_still_served()
    {
        // Error-level: a call from new code fails to compile, but the dispatcher must still serve old clients.
        var result = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Obsolete;

            [ServiceContract(Name = "example.obsolete.error")]
            public partial interface IRetired
            {
                [Obsolete("Removed in v2.", error: true)]
                ValueTask<long> AddAsync(long a, long b);

                [Obsolete("Removed in v2.", true)]
                IAsyncEnumerable<int> CountAsync(int to);

                ValueTask<int> CurrentAsync();
            }
            """);

        Assert.Contains("__AddAsync", result.SingleText);
    }

    [Fact]
    public void Obsolete_packable_types_and_enums_compile_without_warnings()
        => GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            // The user silences the uses in their own contract; the generated file must need nothing of the kind.
            #pragma warning disable CS0612, CS0618

            [Obsolete("Use Order2.")]
            [MemoryPackable]
            public partial class Order
            {
                public string Sku { get; set; } = "";
            }

            [Obsolete]
            public enum Color { Red, Green }

            [ServiceContract(Name = "example.obsolete.types")]
            public partial interface IOldTypes
            {
                ValueTask<Order> EchoAsync(Order order, Color color);
                Task SaveAsync(List<Order> orders, Color[] colors);
            }
            """);

    [Fact]
    public void A_type_reaching_an_obsolete_type_through_its_members_compiles_without_warnings()
    {
        // Order is not obsolete but has a member of obsolete type Line: Order's validator calls Line's, and so does the
        // check of PlaceAsync's argument. Each generated member on that path is marked obsolete. (MemoryPack's own
        // formatter for Order names Line without such care, so only ContractGen's file is checked here.)
        var input = GeneratorHarness.CreateCompilation("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            #pragma warning disable CS0618
            [Obsolete("Use Line2.", DiagnosticId = "EX0002")]
            [MemoryPackable]
            public partial class Line
            {
                public string Sku { get; set; } = "";
            }

            [MemoryPackable]
            public partial class Order
            {
                public string Customer { get; set; } = "";
            #pragma warning disable EX0002
                public List<Line> Lines { get; set; } = new();
            #pragma warning restore EX0002
            }

            [ServiceContract(Name = "example.obsolete.members")]
            public partial interface IOrders
            {
                Task<int> PlaceAsync(Order order);
                ValueTask<int> CountAsync();
            }
            """);
        GeneratorHarness.CreateDriver(out _).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        GeneratorHarness.AssertClean("The generators", generatorDiagnostics);

        var generated = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("Example.Obsolete.IOrders.g.cs", StringComparison.Ordinal));
        Assert.Contains("private static void __Validate_Example_Obsolete_Line(", generated.ToString(), StringComparison.Ordinal);
        GeneratorHarness.AssertClean("ContractGen's generated file", output.GetDiagnostics().Where(d => d.Location.SourceTree == generated));
    }

    [Fact]
    public void A_union_with_an_obsolete_case_compiles_without_warnings()
    {
        // The union's validator names every case type in its switch, also a case with nothing to check (which has no
        // obsolete validator of its own to pass the mark on): an obsolete case makes the union's validator obsolete, and
        // with it the argument check that calls it. Only ContractGen's file is checked (see above).
        var input = GeneratorHarness.CreateCompilation("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            #pragma warning disable EX0003
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(OldCircle))]
            public abstract partial class Shape
            {
            }

            [Obsolete("Use Circle.", DiagnosticId = "EX0003")]
            [MemoryPackable]
            public sealed partial class OldCircle : Shape
            {
                public double Radius { get; set; }
            }
            #pragma warning restore EX0003

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public string Label { get; set; } = "";
            }

            [ServiceContract(Name = "example.obsolete.unions", MaxStringLength = 64)]
            public partial interface IShapes
            {
                Task DrawAsync(Shape shape);
                ValueTask<int> CountAsync();
            }
            """);
        GeneratorHarness.CreateDriver(out _).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        GeneratorHarness.AssertClean("The generators", generatorDiagnostics);

        var generated = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("Example.Obsolete.IShapes.g.cs", StringComparison.Ordinal));
        Assert.Contains("case global::Example.Obsolete.OldCircle:", generated.ToString(), StringComparison.Ordinal);
        GeneratorHarness.AssertClean("ContractGen's generated file", output.GetDiagnostics().Where(d => d.Location.SourceTree == generated));
    }

    [Fact]
    public void Obsolete_members_of_a_packable_type_compile_without_warnings()
    {
        // The validator of Order reads Note (an obsolete property) and checks Priority (a property of obsolete enum type).
        // MemoryPack's own formatter for Order reads them without such care, so only ContractGen's file is checked here.
        var input = GeneratorHarness.CreateCompilation("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            [Obsolete]
            public enum Priority { Low, High }

            [MemoryPackable]
            public partial class Order
            {
                public string Sku { get; set; } = "";

                [Obsolete("Use Sku.")]
                public string Note { get; set; } = "";

            #pragma warning disable CS0612
                public Priority Priority { get; set; }
            #pragma warning restore CS0612
            }

            [ServiceContract(Name = "example.obsolete.properties")]
            public partial interface IOrders
            {
                Task<int> PlaceAsync(Order order);
            }
            """);
        GeneratorHarness.CreateDriver(out _).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        GeneratorHarness.AssertClean("The generators", generatorDiagnostics);

        var generated = Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith("Example.Obsolete.IOrders.g.cs", StringComparison.Ordinal));
        Assert.Contains("__value.Note", generated.ToString(), StringComparison.Ordinal);
        GeneratorHarness.AssertClean("ContractGen's generated file", output.GetDiagnostics().Where(d => d.Location.SourceTree == generated));
    }

    [Fact]
    public void Enums_with_obsolete_values_compile_without_warnings()
        => GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            // The validators check that a value is a defined member, and so name every member, the retired one too.
            public enum Shipping
            {
                Standard,
                Express,
                [Obsolete("No longer offered.")] Overnight,
            }

            [MemoryPackable]
            public partial class Parcel
            {
                public Shipping Shipping { get; set; }
            }

            [ServiceContract(Name = "example.obsolete.enum")]
            public partial interface IParcels
            {
                Task<Shipping> SendAsync(Shipping shipping, Parcel parcel);
                Task SendAllAsync(List<Shipping> options);
                ValueTask<int> CountAsync();
            }
            """);

    [Fact]
    public void Obsolete_methods_with_error_level_obsolete_types_compile()
        => GeneratorHarness.Run("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example.Obsolete;

            [Obsolete("Gone.", error: true)]
            [MemoryPackable]
            public partial class Ticket
            {
                public string Code { get; set; } = "";
            }

            [ServiceContract(Name = "example.obsolete.error.types")]
            public partial interface ITickets
            {
                [Obsolete("Gone.", error: true)]
                ValueTask<Ticket> IssueAsync(Ticket template);

                ValueTask<int> CountAsync();
            }
            """);

    [Fact]
    public void A_contract_inheriting_an_obsolete_base_compiles_without_warnings()
        => GeneratorHarness.Run("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Obsolete;

            [Obsolete("Use IPing2.")]
            public interface IPing
            {
                Task PingAsync();
            }

            #pragma warning disable CS0618
            [ServiceContract(Name = "example.obsolete.base")]
            public partial interface IPingPlus : IPing
            {
                ValueTask<long> AddAsync(long a, long b);
            }
            """);

    [Fact]
    public void An_obsolete_contract_compiles_without_warnings()
        => GeneratorHarness.Run("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Obsolete;

            [Obsolete("Use IClock2.")]
            [ServiceContract(Name = "example.obsolete.contract")]
            public partial interface IOldContract
            {
                ValueTask<long> AddAsync(long a, long b);
            }
            """);

    [Fact]
    public void A_contract_obsolete_with_error_compiles()
        => GeneratorHarness.Run("""
            using System;
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example.Obsolete;

            [Obsolete("Retired.", error: true)]
            [ServiceContract(Name = "example.retired.contract")]
            public partial interface IRetiredContract
            {
                ValueTask<long> AddAsync(long a, long b);
            }
            """);
}

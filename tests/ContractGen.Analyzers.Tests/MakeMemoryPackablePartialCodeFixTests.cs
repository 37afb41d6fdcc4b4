using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The CGEN1013 fix. The diagnostic sits where a type is used; the fix changes the type's declaration, which may be in
/// another document. The testing framework applies it one diagnostic at a time, then through Fix All in document,
/// project and solution (<see cref="WellKnownFixAllProviders.BatchFixer"/>), and checks that no diagnostic is left.
/// </summary>
public sealed class MakeMemoryPackablePartialCodeFixTests
{
    [Fact]
    public Task Adds_the_attribute_and_partial_keeping_comments_and_layout()
        => new MemoryPackableCodeFixTest
        {
            TestCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example
                {
                    /// <summary>An order.</summary>
                    public sealed record Order(string Sku); // trailing comment

                    [ServiceContract(Context = ServiceContext.User)]
                    public partial interface IOrders
                    {
                        Task PlaceAsync(Order {|CGEN1013:order|});
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example
                {
                    /// <summary>An order.</summary>
                    [MemoryPack.MemoryPackable]
                    public sealed partial record Order(string Sku); // trailing comment

                    [ServiceContract(Context = ServiceContext.User)]
                    public partial interface IOrders
                    {
                        Task PlaceAsync(Order order);
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Puts_the_attribute_before_existing_ones_by_its_short_name_where_MemoryPack_is_imported()
        => new MemoryPackableCodeFixTest
        {
            TestCode = """
                using System;
                using System.Threading.Tasks;
                using ContractGen;
                using MemoryPack;

                [Serializable]
                internal struct Point
                {
                    public int X;
                }

                [ServiceContract(Context = ServiceContext.User)]
                internal partial interface IPlotter
                {
                    Task MoveAsync(Point {|CGEN1013:to|});
                }
                """,
            FixedCode = """
                using System;
                using System.Threading.Tasks;
                using ContractGen;
                using MemoryPack;

                [MemoryPackable]
                [Serializable]
                internal partial struct Point
                {
                    public int X;
                }

                [ServiceContract(Context = ServiceContext.User)]
                internal partial interface IPlotter
                {
                    Task MoveAsync(Point to);
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Makes_a_MemoryPackable_type_and_its_containing_types_partial()
        => new MemoryPackableCodeFixTest
        {
            TestCode = """
                using System.Threading.Tasks;
                using ContractGen;
                using MemoryPack;

                public static class Models
                {
                    public class Orders
                    {
                        [MemoryPackable]
                        public sealed record Item(string Name);
                    }
                }

                [ServiceContract(Context = ServiceContext.User)]
                public partial interface IShop
                {
                    {|CGEN1013:Task<Models.Orders.Item>|} GetAsync();
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using ContractGen;
                using MemoryPack;

                public static partial class Models
                {
                    public partial class Orders
                    {
                        [MemoryPackable]
                        public sealed partial record Item(string Name);
                    }
                }

                [ServiceContract(Context = ServiceContext.User)]
                public partial interface IShop
                {
                    Task<Models.Orders.Item> GetAsync();
                }
                """,
        }.RunAsync();

    [Fact]
    public async Task Fixes_the_type_of_a_member_declared_in_another_document()
    {
        // The diagnostic is at the parameter, in the contract's document; the type to change is a member's, elsewhere.
        var test = new MemoryPackableCodeFixTest();
        test.TestState.Sources.Add(("Contract.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order {|CGEN1013:order|});
            }
            """));
        test.TestState.Sources.Add(("Order.cs", """
            using System.Collections.Generic;

            namespace Example;

            [MemoryPack.MemoryPackable]
            public sealed partial class Order
            {
                public List<Customer> Customers { get; set; } = new();
            }

            public sealed class Customer
            {
                public string Name { get; set; } = "";
            }
            """));
        test.FixedState.Sources.Add(("Contract.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order order);
            }
            """));
        test.FixedState.Sources.Add(("Order.cs", """
            using System.Collections.Generic;

            namespace Example;

            [MemoryPack.MemoryPackable]
            public sealed partial class Order
            {
                public List<Customer> Customers { get; set; } = new();
            }

            [MemoryPack.MemoryPackable]
            public sealed partial class Customer
            {
                public string Name { get; set; } = "";
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public Task Fix_all_fixes_every_type_once_however_often_it_is_used()
        => new MemoryPackableCodeFixTest
        {
            TestCode = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example;

                public sealed record Order(string Sku);

                public sealed record Receipt(string Id);

                [ServiceContract(Context = ServiceContext.User)]
                public partial interface IOrders
                {
                    {|CGEN1013:Task<Receipt>|} PlaceAsync(Order {|CGEN1013:order|});
                    Task PlaceAllAsync(List<Order> {|CGEN1013:orders|}, Order[] {|CGEN1013:more|});
                }
                """,
            FixedCode = """
                using System.Collections.Generic;
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example;

                [MemoryPack.MemoryPackable]
                public sealed partial record Order(string Sku);

                [MemoryPack.MemoryPackable]
                public sealed partial record Receipt(string Id);

                [ServiceContract(Context = ServiceContext.User)]
                public partial interface IOrders
                {
                    Task<Receipt> PlaceAsync(Order order);
                    Task PlaceAllAsync(List<Order> orders, Order[] more);
                }
                """,
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        }.RunAsync();

    [Fact]
    public void Fix_is_registered_for_CGEN1013_with_a_stable_equivalence_key()
    {
        var fix = new MakeMemoryPackablePartialCodeFix();
        Assert.Equal("CGEN1013", Assert.Single(fix.FixableDiagnosticIds));
        Assert.Equal("ContractGen.MakeMemoryPackablePartial", MakeMemoryPackablePartialCodeFix.EquivalenceKey);
        Assert.Same(WellKnownFixAllProviders.BatchFixer, fix.GetFixAllProvider());
    }
}

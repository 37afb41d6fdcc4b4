using Xunit;
using static ContractGen.Analyzers.Tests.Verify;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// One positive and one negative test per structural rule. Positive tests put the expected span in markup
/// (<c>{|CGEN1001:IClock|}</c>); where the wording matters they also check the message arguments.
/// </summary>
public sealed class ContractStructureAnalyzerTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;

        """;

    // CGEN1001: the contract and each type containing it must be partial.

    [Fact]
    public Task CGEN1001_contract_not_partial()
        => AnalyzerAsync(Usings + """
            namespace Example;

            [ServiceContract]
            public interface {|#0:IClock|}
            {
                Task PingAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractMustBePartial).WithArguments("IClock", "Example.IClock"));

    [Fact]
    public Task CGEN1001_internal_contract_without_modifiers()
        => AnalyzerAsync(Usings + """
            namespace Example
            {
                [ServiceContract(Name = "com.example.clock")]
                interface {|CGEN1001:IClock|}
                {
                    Task PingAsync();
                }
            }
            """);

    [Fact]
    public Task CGEN1001_containing_types_not_partial()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public static class {|#0:Services|}
            {
                public class {|#1:Inner|}
                {
                    [ServiceContract]
                    public partial interface IClock
                    {
                        Task PingAsync();
                    }
                }
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractMustBePartial, 0).WithArguments("Services", "Example.Services.Inner.IClock"),
            Diagnostic(DiagnosticDescriptors.ContractMustBePartial, 1).WithArguments("Inner", "Example.Services.Inner.IClock"));

    [Fact]
    public Task CGEN1001_container_of_several_contracts_is_reported_once()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public class {|#0:Services|}
            {
                [ServiceContract]
                public partial interface IClock
                {
                    Task PingAsync();
                }

                [ServiceContract]
                public partial interface ITimer
                {
                    Task StartAsync(int seconds);
                }
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractMustBePartial).WithArguments("Services", "Example.Services.IClock"));

    [Fact]
    public Task CGEN1001_contract_nested_in_a_contract_is_reported_once_per_type()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public interface {|CGEN1001:IOuter|}
            {
                Task PingAsync();

                [ServiceContract]
                public interface {|#0:IInner|}
                {
                    Task PingAsync();
                }
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractMustBePartial).WithArguments("IInner", "IOuter.IInner"),
            // The parser currently counts a nested type as a non-method member of the outer contract.
            Diagnostic(DiagnosticDescriptors.NonMethodMember).WithArguments("IInner", "IOuter"));

    [Fact]
    public Task CGEN1001_not_reported_for_partial_contract_in_partial_types()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public static partial class Services
            {
                internal partial record struct Holder
                {
                    [ServiceContract]
                    internal partial interface IClock
                    {
                        Task PingAsync();
                    }
                }
            }

            [ServiceContract]
            public partial interface ISplit
            {
                Task FirstAsync();
            }

            public partial interface ISplit
            {
                Task SecondAsync();
            }
            """);

    // CGEN1002: parameters are passed by value.

    [Theory]
    [InlineData("ref", "ref")]
    [InlineData("out", "out")]
    [InlineData("in", "in")]
    [InlineData("ref readonly", "ref readonly")]
    public Task CGEN1002_parameter_passed_by_reference(string modifier, string reported)
        => AnalyzerAsync(Usings + $$"""
            [ServiceContract]
            public partial interface ICounter
            {
                Task IncrementAsync({{modifier}} int {|#0:value|});
            }
            """,
            Diagnostic(DiagnosticDescriptors.UnsupportedParameterModifier).WithArguments("value", "IncrementAsync", reported));

    [Fact]
    public Task CGEN1002_out_parameter_for_a_second_result()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IStore
            {
                Task<bool> TryGetAsync(string key, out string {|CGEN1002:value|});
            }
            """);

    [Fact]
    public Task CGEN1002_not_reported_for_value_and_params_parameters()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface ICounter
            {
                Task<int> IncrementAsync(int value, string reason);
                Task<int> SumAsync(params int[] values);
            }
            """);

    // CGEN1003: no generic methods.

    [Fact]
    public Task CGEN1003_generic_method()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IStore
            {
                Task<string> {|#0:GetAsync|}<TKey>(string key);
            }
            """,
            Diagnostic(DiagnosticDescriptors.GenericMethod).WithArguments("GetAsync"));

    [Fact]
    public Task CGEN1003_generic_method_using_its_type_parameter_also_reports_CGEN1005()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IStore
            {
                Task {|CGEN1003:PutAsync|}<TValue>(string key, TValue {|CGEN1005:value|});
            }
            """);

    [Fact]
    public Task CGEN1003_not_reported_for_closed_types_and_overloads()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IStore
            {
                Task<List<string>> GetAsync(string key);
                Task<List<string>> GetAsync(string key, int limit);
            }
            """);

    // CGEN1004: methods return Task, Task<T>, ValueTask or ValueTask<T>.

    [Fact]
    public Task CGEN1004_synchronous_return_types()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface ICalculator
            {
                {|#0:int|} Add(int a, int b);
                {|CGEN1004:void|} Reset();
                {|CGEN1004:IEnumerable<int>|} CountAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.UnsupportedReturnType).WithArguments("Add", "int"));

    [Fact]
    public Task CGEN1004_not_reported_for_tasks_value_tasks_and_streams()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface ICalculator
            {
                Task ResetAsync();
                Task<int> AddAsync(int a, int b);
                ValueTask ClearAsync();
                ValueTask<long> MultiplyAsync(long a, long b);
                IAsyncEnumerable<long> CountAsync(long to, CancellationToken cancellationToken = default);
            }
            """);

    // CGEN1005: only data crosses the wire (no object remoting).

    [Fact]
    public Task CGEN1005_live_objects_as_parameters()
        => AnalyzerAsync(Usings + """
            public interface ICallback
            {
                void Done();
            }

            // A user agent: in a System contract a callback parameter is CGEN3005 instead (TransferRuleTests).
            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IRemoting
            {
                Task SubscribeAsync(ICallback {|#0:callback|});
                Task RunAsync(Action {|CGEN1005:action|});
                Task StoreAsync(object {|CGEN1005:value|});
                Task StoreDynamicAsync(dynamic {|CGEN1005:value|});
                Task StoreManyAsync(List<object> {|CGEN1005:values|});
                Task StoreGridAsync(int[,] {|CGEN1005:grid|});
                Task StoreStreamAsync(System.IO.Stream {|CGEN1005:stream|});
            }
            """,
            Diagnostic(DiagnosticDescriptors.UnsupportedWireType).WithArguments(
                "parameter 'callback' of 'SubscribeAsync'",
                "interface 'ICallback' would pass a live object reference; send a [MemoryPackable] data type instead"));

    [Fact]
    public Task CGEN1005_live_object_as_result()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IRemoting
            {
                {|#0:Task<IDisposable>|} OpenAsync();
                {|CGEN1005:ValueTask<Func<int>>|} GetFactoryAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.UnsupportedWireType).WithArguments(
                "the result of 'OpenAsync'",
                "interface 'System.IDisposable' would pass a live object reference; send a [MemoryPackable] data type instead"));

    [Fact]
    public Task CGEN1005_not_reported_for_data()
        => AnalyzerAsync(Usings + """
            using MemoryPack;

            public enum Level { Low, High }

            [MemoryPackable]
            public sealed partial record Reading(string Zone, DateTimeOffset Time);

            [ServiceContract]
            public partial interface IData
            {
                Task<byte[]> BytesAsync(ReadOnlyMemory<byte> memory, byte[]? maybe);
                Task<string?> TextAsync(string text, char c, bool flag);
                Task<Dictionary<string, List<int>>> MapAsync(Dictionary<Guid, string> map, List<string?> names);
                Task<int?> NumbersAsync(sbyte a, short b, ushort c, uint d, ulong e, float f, double g, decimal h, int? i);
                Task<Level> TimeAsync(DateTime a, DateTimeOffset b, TimeSpan c, DateOnly d, TimeOnly e, Level level, Level? maybe);
                Task<Reading[]> ReadingsAsync(Reading reading, List<Reading> readings, int[][] jagged);
            }
            """);

    // CGEN1006: two methods with one wire id.

    [Fact]
    public Task CGEN1006_same_signature_from_two_base_interfaces()
        => AnalyzerAsync(Usings + """
            public interface IPingable
            {
                Task PingAsync();
            }

            public interface IHealth
            {
                Task PingAsync();
            }

            [ServiceContract]
            public partial interface {|#0:IService|} : IPingable, IHealth
            {
            }
            """,
            Diagnostic(DiagnosticDescriptors.MethodIdentityCollision).WithArguments("PingAsync():void' and 'PingAsync():void", "IService", "8f0fdf78"));

    [Fact]
    public Task CGEN1006_method_redeclared_with_new()
        => AnalyzerAsync(Usings + """
            public interface IBase
            {
                Task PingAsync();
            }

            [ServiceContract]
            public partial interface {|CGEN1006:IService|} : IBase
            {
                new Task PingAsync();
            }
            """);

    [Fact]
    public Task CGEN1006_not_reported_for_overloads_and_a_diamond()
        => AnalyzerAsync(Usings + """
            public interface IBase
            {
                Task PingAsync();
            }

            public interface ILeft : IBase
            {
                Task<int> PingAsync(int times);
            }

            public interface IRight : IBase
            {
                Task<int> PingAsync(string message);
            }

            [ServiceContract]
            public partial interface IService : ILeft, IRight
            {
            }
            """);

    // CGEN1007: only methods.

    [Fact]
    public Task CGEN1007_property_event_and_indexer()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IClock
            {
                string {|#0:Zone|} { get; }
                event EventHandler {|CGEN1007:Ticked|};
                int {|CGEN1007:this|}[int index] { get; }
                Task PingAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.NonMethodMember).WithArguments("Zone", "IClock"));

    [Fact]
    public Task CGEN1007_not_reported_for_constants_and_default_implemented_methods()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IClock
            {
                const string DefaultZone = "UTC";

                Task<DateTimeOffset> NowAsync(string zone);

                // Runs in the caller: not part of the wire contract.
                Task<DateTimeOffset> NowUtcAsync() => NowAsync(DefaultZone);
            }
            """);

    // CGEN1008: CancellationToken last.

    [Fact]
    public Task CGEN1008_cancellation_token_not_last()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IClock
            {
                Task WaitAsync(CancellationToken {|#0:cancellationToken|}, int milliseconds);
            }
            """,
            Diagnostic(DiagnosticDescriptors.MisplacedCancellationToken).WithArguments("cancellationToken", "WaitAsync"));

    [Fact]
    public Task CGEN1008_two_cancellation_tokens()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface ICopier
            {
                Task CopyAsync(string from, CancellationToken {|CGEN1008:first|}, CancellationToken second);
            }
            """);

    [Fact]
    public Task CGEN1008_not_reported_for_trailing_or_optional_token()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IClock
            {
                Task WaitAsync(int milliseconds, CancellationToken cancellationToken);
                Task<int> TicksAsync(CancellationToken cancellationToken = default);
                Task PingAsync();
            }
            """);

    // CGEN1009: no generic contracts.

    [Fact]
    public Task CGEN1009_generic_contract()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface {|#0:IStore|}<TItem>
            {
                Task<int> CountAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.GenericContract).WithArguments("IStore<TItem>"));

    [Fact]
    public Task CGEN1009_generic_contract_with_type_parameter_in_a_method_also_reports_CGEN1005()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface {|CGEN1009:IStore|}<TItem>
            {
                Task PutAsync(TItem {|CGEN1005:item|});
            }
            """);

    [Fact]
    public Task CGEN1009_not_reported_for_a_closed_generic_base_interface()
        => AnalyzerAsync(Usings + """
            public interface IRepository<TItem>
            {
                Task<TItem> GetAsync(int id);
                Task PutAsync(int id, TItem item);
            }

            [ServiceContract]
            public partial interface INames : IRepository<string>
            {
            }
            """);

    // CGEN1010: a one-way call has no reply to carry a result.

    [Fact]
    public Task CGEN1010_one_way_method_with_a_result()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface INotifier
            {
                [OneWay]
                {|#0:Task<int>|} NotifyAsync(string message);

                [OneWay]
                {|CGEN1010:IAsyncEnumerable<string>|} WatchAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.OneWayWithResult).WithArguments("NotifyAsync"));

    [Fact]
    public Task CGEN1010_not_reported_for_one_way_methods_without_a_result()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface INotifier
            {
                [OneWay]
                Task NotifyAsync(string message);

                [OneWay]
                ValueTask PingAsync(CancellationToken cancellationToken = default);

                Task<int> CountAsync();
            }
            """);

    // CGEN1015: the generated module initializer must be able to name the contract.

    [Fact]
    public Task CGEN1015_contract_nested_in_a_private_type()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public partial class Outer
            {
                private partial class Inner
                {
                    [ServiceContract]
                    public partial interface {|#0:IHidden|}
                    {
                        Task PingAsync();
                    }
                }
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractNotReachable).WithArguments("'Inner' (private)", "Example.Outer.Inner.IHidden"));

    [Fact]
    public Task CGEN1015_names_every_private_or_protected_type()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public partial class Outer
            {
                protected partial class Inner
                {
                    [ServiceContract]
                    private protected partial interface {|#0:IHidden|}
                    {
                        Task PingAsync();
                    }
                }

                [ServiceContract]
                private partial interface {|CGEN1015:IPrivate|}
                {
                    Task PingAsync();
                }
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractNotReachable).WithArguments("'Inner' (protected) and 'IHidden' (private protected)", "Example.Outer.Inner.IHidden"));

    [Fact]
    public Task CGEN1015_file_local_contract()
        => AnalyzerAsync(Usings + """
            namespace Example;

            [ServiceContract]
            file partial interface {|#0:IFileLocal|}
            {
                Task PingAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.ContractNotReachable).WithArguments("'IFileLocal' (file)", "Example.IFileLocal"));

    [Fact]
    public Task CGEN1015_not_reported_for_internal_public_or_protected_internal_nesting()
        => AnalyzerAsync(Usings + """
            namespace Example;

            public partial class Outer
            {
                protected internal partial class Inner
                {
                    [ServiceContract(Name = "example.inner")]
                    internal partial interface IInner
                    {
                        Task PingAsync();
                    }
                }

                [ServiceContract(Name = "example.nested")]
                protected internal partial interface INested
                {
                    Task PingAsync();
                }
            }

            internal partial class Hosted
            {
                [ServiceContract(Name = "example.hosted")]
                public partial interface IHosted
                {
                    Task PingAsync();
                }
            }
            """);

    // CGEN2001: the wire name.

    [Theory]
    [InlineData("com example", "com example")]
    [InlineData("", "")]
    [InlineData(" com.example", " com.example")]
    [InlineData("com.example\\t", "com.example\t")]
    public Task CGEN2001_invalid_wire_name(string written, string name)
        => AnalyzerAsync(Usings + $$"""
            [{|#0:ServiceContract(Name = "{{written}}")|}]
            public partial interface IClock
            {
                Task PingAsync();
            }
            """,
            Diagnostic(DiagnosticDescriptors.InvalidContractName).WithArguments(name, "IClock"));

    [Fact]
    public Task CGEN2001_too_long_wire_name()
        => AnalyzerAsync(Usings + $$"""
            [{|CGEN2001:ServiceContract(Name = "{{new string('a', 257)}}")|}]
            public partial interface IClock
            {
                Task PingAsync();
            }
            """);

    [Fact]
    public Task CGEN2001_not_reported_for_valid_or_default_names()
        => AnalyzerAsync(Usings + $$"""
            namespace Example.Time;

            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.User)]
            public partial interface IClock
            {
                Task PingAsync();
            }

            [ServiceContract(Name = "{{new string('a', 256)}}")]
            public partial interface ILongName
            {
                Task PingAsync();
            }

            [ServiceContract]
            public partial interface IDefaultName
            {
                Task PingAsync();
            }
            """);

    // Where problems of inherited members are reported.

    [Fact]
    public Task Problem_in_a_base_contract_is_reported_once_by_that_contract()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface IBase
            {
                Task SendAsync(object {|CGEN1005:value|});
            }

            [ServiceContract]
            public partial interface IDerived : IBase
            {
                Task PingAsync();
            }
            """);

    [Fact]
    public Task Problem_in_a_plain_base_interface_is_reported_at_the_contract_with_the_member_as_additional_location()
        => AnalyzerAsync(Usings + """
            public interface IBase
            {
                int {|#1:Count|} { get; }
            }

            [ServiceContract]
            public partial interface {|#0:IDerived|} : IBase
            {
                Task PingAsync();
            }
            """,
            // At the contract, so that the IDE shows it while analyzing the contract's document only.
            Diagnostic(DiagnosticDescriptors.NonMethodMember).WithLocation(1).WithArguments("Count", "IDerived"));

    [Fact]
    public Task Problem_in_a_base_interface_from_another_assembly_is_reported_at_the_contract()
        => AnalyzerAsync(Usings + """
            [ServiceContract]
            public partial interface {|CGEN1004:IDisposer|} : IDisposable
            {
            }
            """);
}

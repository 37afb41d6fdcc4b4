using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The rules about what may cross a privilege boundary: CGEN3001 (live objects inside transferred types), CGEN3004
/// (abstract types without union cases), CGEN1013 (types MemoryPack has no formatter for) and CGEN3005 (a daemon calling
/// back into its clients). Every test runs the structure analyzer and the three transfer-rule analyzers together, so an
/// exact list of expected diagnostics also proves that nothing is reported twice.
/// </summary>
public sealed class TransferRuleTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;
        using MemoryPack;

        namespace Example;

        """;

    private const string DelegateReason = "delegate 'System.Action<int>' would pass a live callback; return data, or let the client open a stream";
    private const string ObjectReason = "'object' can hold a live object of any type; send a concrete data type instead";

    // CGEN3001: live objects inside transferred types, named by their path from the parameter or result.

    [Fact]
    public Task CGEN3001_delegate_deep_inside_a_parameter_is_reported_with_its_path()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial record OrderLine(string Sku, Action<int> Handler);

            [MemoryPackable]
            public sealed partial class Order
            {
                public List<OrderLine> Lines { get; set; } = new();
            }

            [ServiceContract(Name = "com.example.orders", Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order {|#0:order|}, CancellationToken cancellationToken = default);
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting).WithArguments("member 'order.Lines[].Handler' of parameter 'order' of 'PlaceAsync'", DelegateReason));

    [Theory]
    [InlineData("object?")]
    [InlineData("dynamic?")]
    [InlineData("IDisposable?")]
    [InlineData("Func<int>?")]
    [InlineData("Delegate?")]
    [InlineData("System.IO.Stream?")]
    [InlineData("System.IO.MemoryStream?")]
    [InlineData("Task<int>?")]
    [InlineData("ValueTask")]
    [InlineData("MarshalByRefObject?")]
    [InlineData("Type?")]
    [InlineData("Array?")]
    [InlineData("System.Net.IPAddress?")]
    [InlineData("List<object>?")]
    [InlineData("Dictionary<string, Action>?")]
    [InlineData("KeyValuePair<string, IServiceProvider>")]
    [InlineData("IReadOnlyList<Func<string>>?")]
    public Task CGEN3001_every_kind_of_live_object_as_a_member(string memberType)
        => VerifyAsync(Usings + $$"""
            [MemoryPackable]
            public sealed partial class Holder
            {
                public {{memberType}} Value { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IStore
            {
                Task PutAsync(Holder {|CGEN3001:holder|});
            }
            """);

    [Fact]
    public Task CGEN3001_in_a_result_a_stream_item_and_a_union_case()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Report
            {
                public object? Tag { get; set; }
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public Action<int>? OnDraw { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IReports
            {
                {|#0:Task<Report>|} GetAsync();
                {|#1:IAsyncEnumerable<Report?>|} WatchAsync(CancellationToken cancellationToken = default);
                Task DrawAsync(Shape[] {|#2:shapes|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting, 0).WithArguments("member 'result.Tag' of the result of 'GetAsync'", ObjectReason),
            Expect(DiagnosticDescriptors.ObjectRemoting, 1).WithArguments("member 'result.Tag' of the result of 'WatchAsync'", ObjectReason),
            Expect(DiagnosticDescriptors.ObjectRemoting, 2).WithArguments("member 'shapes[](as Circle).OnDraw' of parameter 'shapes' of 'DrawAsync'", "delegate 'System.Action<int>?' would pass a live callback; return data, or let the client open a stream"));

    [Fact]
    public Task CGEN3001_members_MemoryPack_includes_inherited_and_private_ones()
        => VerifyAsync(Usings + """
            public class EntityBase
            {
                public object? Tag { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Entity : EntityBase
            {
                public int Id { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Session
            {
                [MemoryPackInclude]
                private IDisposable? Handle { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IEntities
            {
                Task SaveAsync(Entity {|#0:entity|});
                Task OpenAsync(Session {|#1:session|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting, 0).WithArguments("member 'entity.Tag' of parameter 'entity' of 'SaveAsync'", ObjectReason),
            Expect(DiagnosticDescriptors.ObjectRemoting, 1).WithArguments(
                "member 'session.Handle' of parameter 'session' of 'OpenAsync'",
                "interface 'System.IDisposable?' would pass a live object reference; send a [MemoryPackable] data type instead"));

    [Fact]
    public Task CGEN3001_recursive_type_is_walked_once_and_reported_once_per_parameter()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Node
            {
                public Node? Next { get; set; }
                public List<Node> Children { get; set; } = new();
                public Action<int>? Hook { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface ITree
            {
                Task PutAsync(Node {|#0:node|}, List<Node> {|#1:nodes|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting, 0).WithArguments("member 'node.Hook' of parameter 'node' of 'PutAsync'", "delegate 'System.Action<int>?' would pass a live callback; return data, or let the client open a stream"),
            Expect(DiagnosticDescriptors.ObjectRemoting, 1).WithArguments("member 'nodes[].Hook' of parameter 'nodes' of 'PutAsync'", "delegate 'System.Action<int>?' would pass a live callback; return data, or let the client open a stream"));

    [Fact]
    public Task CGEN3001_is_a_warning_in_an_application_contract()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Job
            {
                public object? State { get; set; }
            }

            [ServiceContract(Name = "com.example.helper", Context = ServiceContext.Application)]
            public partial interface IHelper
            {
                Task RunAsync(Job {|#0:job|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments("member 'job.State' of parameter 'job' of 'RunAsync'", ObjectReason));

    [Fact]
    public Task CGEN3001_a_parameter_itself_stays_CGEN1005_and_is_not_reported_twice()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Holder
            {
                public Action? Hook { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IRemoting
            {
                Task RunAsync(Action {|CGEN1005:action|}, List<IDisposable> {|CGEN1005:items|}, object {|CGEN1005:state|});

                // The set itself has no wire format as a parameter (CGEN1005); what is inside it is judged as well.
                Task PutAsync(HashSet<Holder> {|#0:holders|});
            }
            """,
            Expect(DiagnosticDescriptors.UnsupportedWireType).WithArguments(
                "parameter 'holders' of 'PutAsync'",
                "type 'System.Collections.Generic.HashSet<Example.Holder>' has no wire format as a parameter or result; use primitives, strings, byte[], ReadOnlyMemory<byte>, arrays, List<T>, Dictionary<TKey,TValue> or a [MemoryPackable] type"),
            Expect(DiagnosticDescriptors.ObjectRemoting).WithArguments(
                "member 'holders[].Hook' of parameter 'holders' of 'PutAsync'",
                "delegate 'System.Action?' would pass a live callback; return data, or let the client open a stream"));

    [Fact]
    public Task CGEN3001_in_a_plain_base_interface_is_reported_at_the_contract_and_in_a_base_contract_once()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Job
            {
                public object? State { get; set; }
            }

            public interface IRunner
            {
                Task RunAsync(Job {|#1:job|});
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IBase
            {
                Task QueueAsync(Job {|#2:job|});
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface {|#0:IJobs|} : IRunner, IBase
            {
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting, 0).WithLocation(1).WithArguments("member 'job.State' of parameter 'job' of 'RunAsync'", ObjectReason),
            Expect(DiagnosticDescriptors.ObjectRemoting, 2).WithArguments("member 'job.State' of parameter 'job' of 'QueueAsync'", ObjectReason));

    [Fact]
    public Task CGEN3001_not_reported_for_data_MemoryPack_writes_or_ignores()
        => VerifyAsync(Usings + """
            public enum Level { Low, High }

            // Unmanaged: MemoryPack copies it as raw bytes, no formatter needed inside a packable type.
            public struct Point
            {
                public int X;
                public int Y;
            }

            [MemoryPackable]
            public sealed partial record Child(string Name, Point At, Level Level);

            [MemoryPackable]
            public sealed partial class Node
            {
                public string Name { get; set; } = "";
                public Node? Next { get; set; }
                public List<Node> Children { get; set; } = new();
                public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
                public HashSet<int> Ids { get; set; } = new();
                public Dictionary<string, Child> ByName { get; set; } = new();
                public System.Collections.Immutable.ImmutableArray<int> Numbers { get; set; }
                public (int Count, string Label) Pair { get; set; }
                public KeyValuePair<string, Child?> Entry { get; set; }
                public Guid Id { get; set; }
                public DateTimeOffset At { get; set; }
                public Version? Version { get; set; }
                public Uri? Link { get; set; }
                public int? Maybe { get; set; }
                public byte[] Blob { get; set; } = Array.Empty<byte>();
                public ReadOnlyMemory<byte> Memory { get; set; }
                public int[,]? Grid { get; set; }

                [MemoryPackIgnore]
                public Action? Callback { get; set; }

                [MemoryPackIgnore]
                public object? State { get; set; }

                // Not public and not [MemoryPackInclude]: MemoryPack does not write it.
                internal object? Cache { get; set; }

                // The author vouches for a formatter of their own.
                [MemoryPackAllowSerialize]
                public System.Net.IPAddress? Address { get; set; }

                public static Action? Hook { get; set; }

                public object? this[int index] => null;
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(Square))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public double Radius { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Square : Shape
            {
                public double Side { get; set; }
                public Shape? Inner { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IData
            {
                Task<Node> PutAsync(Node node, Shape shape, List<Shape> shapes, Child[] children);
                IAsyncEnumerable<Shape> StreamAsync(CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3001_follows_MemoryPack_GenerateType_collection_elements_but_not_NoGenerate()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial record Entry(string Key, Func<string>? Resolve);

            // MemoryPack writes the elements of a GenerateType.Collection type.
            [MemoryPackable(GenerateType.Collection)]
            public sealed partial class Entries : List<Entry>
            {
            }

            // GenerateType.NoGenerate: the author registers a formatter of their own, so its members are theirs to judge.
            [MemoryPackable(GenerateType.NoGenerate)]
            public sealed partial class Opaque
            {
                public object? Anything { get; set; }
            }

            [MemoryPackable(GenerateType.VersionTolerant)]
            public sealed partial class Settings
            {
                [MemoryPackOrder(0)]
                public Entries Entries { get; set; } = new();

                [MemoryPackOrder(1)]
                public Opaque? Opaque { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface ISettings
            {
                Task SaveAsync(Settings {|#0:settings|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting).WithArguments(
                "member 'settings.Entries[].Resolve' of parameter 'settings' of 'SaveAsync'",
                "delegate 'System.Func<string>?' would pass a live callback; return data, or let the client open a stream"));

    [Fact]
    public Task CGEN3001_not_reported_for_a_type_the_compiler_cannot_resolve()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed partial class Holder
            {
                public {|#0:Missing|}? Value { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IStore
            {
                Task PutAsync(Holder holder);
            }
            """,
            DiagnosticResult.CompilerError("CS0246").WithLocation(0).WithArguments("Missing"));

    // CGEN3004: abstract types without a closed set of union cases.

    [Fact]
    public Task CGEN3004_abstract_parameter_without_union_cases()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public partial interface IShape
            {
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IDrawing
            {
                Task DrawAsync(Shape {|#0:shape|});
                {|CGEN3004:Task<IShape>|} PickAsync();
            }
            """,
            Expect(DiagnosticDescriptors.OpenPolymorphism).WithArguments("parameter 'shape' of 'DrawAsync'", "Example.Shape"));

    [Fact]
    public Task CGEN3004_abstract_member_without_union_cases()
        => VerifyAsync(Usings + """
            public abstract class Animal
            {
                public string Name { get; set; } = "";
            }

            [MemoryPackable]
            public sealed partial class Owner
            {
                public List<Animal> Pets { get; set; } = new();
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IShelter
            {
                Task AdoptAsync(Owner {|#0:owner|});
            }
            """,
            Expect(DiagnosticDescriptors.OpenPolymorphism).WithArguments("member 'owner.Pets[]' of parameter 'owner' of 'AdoptAsync'", "Example.Animal"));

    [Fact]
    public Task CGEN3004_not_reported_for_unions_and_plain_interfaces_are_live_objects()
        => VerifyAsync(Usings + """
            public interface IHandler
            {
                void Handle();
            }

            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Text))]
            public partial interface IMessage
            {
            }

            [MemoryPackable]
            public sealed partial record Text(string Body) : IMessage;

            [MemoryPackable]
            public sealed partial class Envelope
            {
                public IMessage? Message { get; set; }
                public IHandler? Handler { get; set; }
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IMail
            {
                Task SendAsync(IMessage message, Envelope {|#0:envelope|});
            }
            """,
            Expect(DiagnosticDescriptors.ObjectRemoting).WithArguments(
                "member 'envelope.Handler' of parameter 'envelope' of 'SendAsync'",
                "interface 'Example.IHandler?' would pass a live object reference; send a [MemoryPackable] data type instead"));

    // CGEN1013: types of the user's own that MemoryPack has no formatter for.

    [Fact]
    public Task CGEN1013_parameter_of_a_type_without_MemoryPackable()
        => VerifyAsync(Usings + """
            public sealed record Order(string Sku);

            public struct Point
            {
                public int X;
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order {|#0:order|});
                Task MoveAsync(Point {|CGEN1013:to|});
                Task PlaceAllAsync(List<Order> {|CGEN1013:orders|});
            }
            """,
            Expect(DiagnosticDescriptors.NotMemoryPackable).WithArguments("parameter 'order' of 'PlaceAsync'", "Example.Order", "'Example.Order' is not [MemoryPackable]"));

    [Fact]
    public Task CGEN1013_MemoryPackable_type_or_its_container_not_partial()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            public sealed record Order(string Sku);

            public static class Models
            {
                [MemoryPackable]
                public sealed partial record Item(string Name);
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order {|#0:order|});
                {|#1:Task<Models.Item>|} GetAsync();
            }
            """,
            Expect(DiagnosticDescriptors.NotMemoryPackable, 0).WithArguments("parameter 'order' of 'PlaceAsync'", "Example.Order", "'Example.Order' is [MemoryPackable] but it is not partial"),
            Expect(DiagnosticDescriptors.NotMemoryPackable, 1).WithArguments("the result of 'GetAsync'", "Example.Models.Item", "'Example.Models.Item' is [MemoryPackable] but its containing type 'Models' is not partial"));

    [Fact]
    public Task CGEN1013_member_of_a_type_without_MemoryPackable()
        => VerifyAsync(Usings + """
            public sealed class Customer
            {
                public string Name { get; set; } = "";
            }

            [MemoryPackable]
            public sealed partial class Order
            {
                public Dictionary<string, Customer> Customers { get; set; } = new();
            }

            [ServiceContract(Context = ServiceContext.User)]
            public partial interface IOrders
            {
                Task PlaceAsync(Order {|#0:order|});
            }
            """,
            Expect(DiagnosticDescriptors.NotMemoryPackable).WithArguments("member 'order.Customers[]' of parameter 'order' of 'PlaceAsync'", "Example.Customer", "'Example.Customer' is not [MemoryPackable]"));

    // CGEN3005: a system daemon never calls back into its clients.

    [Fact]
    public Task CGEN3005_callback_parameters_of_a_system_contract()
        => VerifyAsync(Usings + """
            [ServiceContract(Name = "com.example.client", Context = ServiceContext.User)]
            public partial interface IClientSide
            {
                Task NotifyAsync(string message);
            }

            public interface IListener
            {
                void OnChanged(int value);
            }

            [ServiceContract(Name = "com.example.daemon", Context = ServiceContext.System)]
            public partial interface IDaemon
            {
                Task WatchAsync(Action<int> {|#0:onChange|}, CancellationToken cancellationToken = default);
                Task CopyAsync(string from, IProgress<int> {|CGEN3005:progress|});
                Task SubscribeAsync(IObserver<string> {|CGEN3005:observer|});
                Task RegisterAsync(IClientSide {|CGEN3005:client|});
                Task ListenAsync(IListener? {|CGEN3005:listener|});
                Task DoneAsync(Func<Task>? {|CGEN3005:then|});
            }

            // Without a Context the contract is a system daemon's.
            [ServiceContract(Name = "com.example.default")]
            public partial interface IDefault
            {
                Task WatchAsync(Action {|CGEN3005:onChange|});
            }
            """,
            Expect(DiagnosticDescriptors.DaemonCallback).WithArguments("onChange", "WatchAsync", "System.Action<int>"));

    [Fact]
    public Task CGEN3005_not_reported_outside_system_contracts_nor_for_data_and_results()
        => VerifyAsync(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Tick))]
            public partial interface IEvent
            {
            }

            [MemoryPackable]
            public sealed partial record Tick(long Count) : IEvent;

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task CopyAsync(IProgress<int> {|CGEN1005:progress|});
            }

            [ServiceContract(Name = "com.example.helper", Context = ServiceContext.Application)]
            public partial interface IHelper
            {
                Task RunAsync(Action {|CGEN1005:then|});
            }

            [ServiceContract(Name = "com.example.daemon")]
            public partial interface IDaemon
            {
                IAsyncEnumerable<IEvent> WatchAsync(IEvent since, CancellationToken cancellationToken = default);
                {|CGEN1005:Task<Action>|} GetAsync();
                Task PutAsync(IReadOnlyList<int> {|CGEN1005:ids|});
            }
            """);

    // Cost: nothing per symbol when the compilation has no contracts.

    public static TheoryData<string> RuleAnalyzers => new(TransferAnalyzers.All.Select(a => a.GetType().Name));

    [Theory]
    [MemberData(nameof(RuleAnalyzers))]
    public async Task Without_the_attribute_type_a_rule_analyzer_registers_no_symbol_action(string analyzerName)
    {
        var analyzer = TransferAnalyzers.All.Single(a => a.GetType().Name == analyzerName);
        var source = """
            using System;

            [MemoryPack.MemoryPackable]
            public sealed partial class Holder
            {
                public Action? Hook { get; set; }
            }
            """;

        var (diagnostics, telemetry) = await AnalyzerRunner.RunAsync(TestReferences.CreateCompilation([source], TestReferences.FrameworkOnly.Add(
            MetadataReference.CreateFromFile(typeof(MemoryPack.MemoryPackableAttribute).Assembly.Location))), analyzer);

        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount);

        // The control: with ContractGen referenced the same analyzer does register its action.
        (_, telemetry) = await AnalyzerRunner.RunAsync(TestReferences.CreateCompilation([source]), analyzer);
        Assert.Equal(1, telemetry.SymbolActionsCount);
    }

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected)
        => new TransferAnalyzerTest(source, expected).RunAsync();

    private static DiagnosticResult Expect(DiagnosticDescriptor descriptor, int markupLocation = 0)
        => new DiagnosticResult(descriptor).WithLocation(markupLocation);
}

using System;
using System.Linq;
using ContractGen.CodeAnalysis;
using ContractGen.Generator.Tests.Infrastructure;
using Xunit;
using static ContractGen.Generator.Tests.Infrastructure.Models;

namespace ContractGen.Generator.Tests;

/// <summary>
/// <see cref="ContractEmitter"/> on hand-built models: edge cases that are awkward to reach through the parser, each
/// compiled (without warnings, nullable on) against a hand-written interface that matches the model.
/// </summary>
public sealed class EmitterTests
{
    private const string Usings = "using System.Threading;\nusing System.Threading.Tasks;\nusing System.Collections.Generic;\n";

    [Fact]
    public void Method_named_with_a_keyword_compiles()
    {
        var model = Contract(new[]
        {
            Method("class", ReturnKind.Task),
            Method("event", ReturnKind.ValueTaskOfT, Int, new[] { Parameter("in", Int) }),
        });

        var text = EmitAndCompile(model, Usings + """
            namespace Tests;
            public partial interface IFoo
            {
                Task @class();
                ValueTask<int> @event(int @in);
            }
            """);

        Assert.Contains("public const uint @class = ", text, StringComparison.Ordinal);
        Assert.Contains("MethodIds.@event", text, StringComparison.Ordinal);
        Assert.Contains("__implementation.@event(__arguments.@in)", text, StringComparison.Ordinal);
        Assert.Contains("global::Tests.IFoo.@class()", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Overloads_use_their_member_names_but_keep_the_method_name_on_the_wire()
    {
        var model = Contract(new[]
        {
            Method("Add", ReturnKind.ValueTaskOfT, Int, new[] { Parameter("a", Int), Parameter("b", Int) }),
            Method("Add", ReturnKind.ValueTaskOfT, Long, new[] { Parameter("a", Long), Parameter("b", Long) }, memberName: "Add_1"),
        });

        var text = EmitAndCompile(model, Usings + """
            namespace Tests;
            public partial interface IFoo
            {
                ValueTask<int> Add(int a, int b);
                ValueTask<long> Add(long a, long b);
            }
            """);

        Assert.Contains("public const uint Add_1 = ", text, StringComparison.Ordinal);
        Assert.Contains("new(MethodIds.Add_1, \"Add\", \"Add(long,long):long\", Policies.Add_1),", text, StringComparison.Ordinal);
        Assert.Contains("file readonly struct __Foo_Add_1_Arguments", text, StringComparison.Ordinal);
        Assert.Contains("case FooContract.MethodIds.Add_1: return __Add_1(serverCall);", text, StringComparison.Ordinal);
        Assert.NotEqual(model.Methods[0].Id, model.Methods[1].Id);
    }

    [Fact]
    public void Contract_in_the_global_namespace_has_no_namespace_block()
    {
        var model = Contract(new[] { Method("Ping", ReturnKind.Task) }, ns: "");

        var text = EmitAndCompile(model, Usings + """
            public partial interface IFoo
            {
                Task Ping();
            }
            """);

        Assert.DoesNotContain("namespace", text, StringComparison.Ordinal);
        Assert.Contains("public sealed partial class FooProxy : global::IFoo", text, StringComparison.Ordinal);
        Assert.Equal("IFoo.g.cs", ContractEmitter.GetHintName(model));
    }

    [Theory]
    [InlineData("class")]
    [InlineData("struct")]
    [InlineData("record")]
    [InlineData("record struct")]
    [InlineData("interface")]
    public void Containing_types_are_reopened_as_partial(string keyword)
    {
        var containing = new[] { new ContainingTypeModel("class", "Outer"), new ContainingTypeModel(keyword, "Inner") };
        var model = Contract(new[] { Method("Ping", ReturnKind.ValueTaskOfT, Str, new[] { Parameter("text", Str) }) }, containingTypes: containing);

        var text = EmitAndCompile(model, Usings + $$"""
            namespace Tests;
            public static partial class Outer
            {
                public partial {{keyword}} Inner
                {
                    public partial interface IFoo
                    {
                        ValueTask<string> Ping(string text);
                    }
                }
            }
            """);

        Assert.Contains($"partial {keyword} Inner", text, StringComparison.Ordinal);
        Assert.Contains("global::Tests.Outer.Inner.IFoo", text, StringComparison.Ordinal);
        Assert.Equal("Tests.Outer.Inner.IFoo.g.cs", ContractEmitter.GetHintName(model));
    }

    [Fact]
    public void Non_nullable_values_read_as_null_are_refused_and_nullable_ones_are_not()
    {
        var parameters = new[]
        {
            Parameter("s", Str), Parameter("ns", NullableStr),
            Parameter("b", Bytes), Parameter("nb", NullableBytes),
            Parameter("l", IntList), Parameter("nl", NullableIntList),
            Parameter("d", Packable("global::Tests.Data")), Parameter("nd", Packable("global::Tests.Data", nullable: true)),
            Parameter("pt", Packable("global::Tests.Pt", valueType: true)),
            Parameter("ni", NullableInt), Parameter("i", Int), Parameter("f", Bool), Parameter("m", Memory),
        };
        var model = Contract(new[]
        {
            Method("Take", ReturnKind.Task, parameters: parameters),
            Method("Get", ReturnKind.ValueTaskOfT, Str),
            Method("GetMaybe", ReturnKind.ValueTaskOfT, NullableStr),
            Method("GetBytes", ReturnKind.ValueTaskOfT, Memory),
        }, registrations: new[]
        {
            new FormatterRegistration("global::Tests.Data", IsPackable: true),
            new FormatterRegistration("global::Tests.Pt", IsPackable: true),
            new FormatterRegistration("global::MemoryPack.Formatters.ListFormatter<int>", IsPackable: false),
            new FormatterRegistration("global::MemoryPack.Formatters.NullableFormatter<int>", IsPackable: false),
        });

        var text = EmitAndCompile(model, Usings + """
            using System;
            using MemoryPack;
            namespace Tests;

            [MemoryPackable] public partial class Data { public int Value { get; set; } }
            [MemoryPackable] public partial struct Pt { public int X { get; set; } }

            public partial interface IFoo
            {
                Task Take(string s, string? ns, byte[] b, byte[]? nb, List<int> l, List<int>? nl, Data d, Data? nd, Pt pt, int? ni, int i, bool f, ReadOnlyMemory<byte> m);
                ValueTask<string> Get();
                ValueTask<string?> GetMaybe();
                ValueTask<ReadOnlyMemory<byte>> GetBytes();
            }
            """);

        foreach (var refused in new[] { "s", "b", "l", "d" })
        {
            Assert.EndsWith($" ?? throw global::ContractGen.Protocol.WireFormat.NullNotAllowed(\"{refused}\");", ReadLine(text, refused), StringComparison.Ordinal);
        }

        foreach (var allowed in new[] { "ns", "nb", "nl", "nd", "pt", "ni", "i", "f", "m" })
        {
            Assert.DoesNotContain("??", ReadLine(text, allowed), StringComparison.Ordinal);
        }

        // ReadPackable's constraint wants the type without its annotation.
        Assert.Contains("__reader.ReadPackable<global::Tests.Data>();", ReadLine(text, "nd"), StringComparison.Ordinal);
        Assert.Contains("ReadBoolean(ref __reader)", ReadLine(text, "f"), StringComparison.Ordinal);

        // The service slices bytes out of the payload it owns; the client copies them out of a pooled buffer.
        Assert.Contains("ReadBytesSlice(ref __reader, __payload)", ReadLine(text, "m"), StringComparison.Ordinal);
        Assert.Contains("=> global::ContractGen.Protocol.WireFormat.ReadBytesCopy(ref __reader);", text, StringComparison.Ordinal);
        Assert.Contains("=> global::ContractGen.Protocol.WireFormat.ReadString(ref __reader) ?? throw global::ContractGen.Protocol.WireFormat.NullNotAllowed(\"result\");", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), l => l.Contains("NullNotAllowed(\"result\")", StringComparison.Ordinal));
    }

    [Fact]
    public void Wire_name_is_written_as_an_escaped_literal()
    {
        var model = Contract(new[] { Method("Ping", ReturnKind.Task) }, wireName: "odd\"name\\with<xml>&");

        var text = EmitAndCompile(model, Usings + "namespace Tests;\npublic partial interface IFoo { Task Ping(); }");

        Assert.Contains("public const string Name = \"odd\\\"name\\\\with<xml>&\";", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Inherited_method_is_implemented_and_called_through_its_declaring_interface()
    {
        var model = Contract(new[]
        {
            Method("Own", ReturnKind.Task),
            Method("Ping", ReturnKind.ValueTaskOfT, Int, new[] { Parameter("value", Int) }, declaringInterface: "global::Tests.IBase"),
        });

        var text = EmitAndCompile(model, Usings + """
            namespace Tests;
            public interface IBase { ValueTask<int> Ping(int value); }
            public partial interface IFoo : IBase { Task Own(); }
            """);

        Assert.Contains("global::System.Threading.Tasks.ValueTask<int> global::Tests.IBase.Ping(int value)", text, StringComparison.Ordinal);
        Assert.Contains("((global::Tests.IBase)__implementation).Ping(__arguments.value)", text, StringComparison.Ordinal);
        Assert.Contains("__implementation.Own()", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Task_returns_are_adapted_and_the_cancellation_token_is_passed_through()
    {
        var model = Contract(new[]
        {
            Method("Run", ReturnKind.Task, cancellationToken: "default"),
            Method("Count", ReturnKind.TaskOfT, Int, cancellationToken: "ct"),
            Method("Stop", ReturnKind.ValueTask),
        });

        var text = EmitAndCompile(model, Usings + """
            namespace Tests;
            public partial interface IFoo
            {
                Task Run(CancellationToken @default);
                Task<int> Count(CancellationToken ct);
                ValueTask Stop();
            }
            """);

        Assert.Contains("(FooContract.MethodIds.Run, default, @default).AsTask();", text, StringComparison.Ordinal);
        Assert.Contains("(FooContract.MethodIds.Count, default, ct).AsTask();", text, StringComparison.Ordinal);
        Assert.Contains("(FooContract.MethodIds.Stop, default, global::System.Threading.CancellationToken.None);", text, StringComparison.Ordinal);
        Assert.Contains("__implementation.Run(serverCall.CancellationToken)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_is_deterministic_with_lf_line_endings_and_the_fixed_header()
    {
        var model = Contract(new[] { Method("Ping", ReturnKind.ValueTaskOfT, Str, new[] { Parameter("text", NullableStr) }) });

        var text = ContractEmitter.Emit(model);

        Assert.Equal(text, ContractEmitter.Emit(model with { Methods = new EquatableArray<MethodModel>(model.Methods.ToArray()) }));
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
        Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", text, StringComparison.Ordinal);
        Assert.Contains($"[global::System.CodeDom.Compiler.GeneratedCode(\"ContractGen\", \"{ContractEmitter.Version}\")]", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Example", "", "IClock", "Example.IClock.g.cs")]
    [InlineData("", "", "IClock", "IClock.g.cs")]
    [InlineData("A.B", "Outer", "IClock", "A.B.Outer.IClock.g.cs")]
    [InlineData("", "Outer", "IClock", "Outer.IClock.g.cs")]
    public void Hint_names_follow_namespace_containing_types_and_interface(string ns, string containing, string name, string expected)
    {
        var types = containing.Length == 0 ? null : new[] { new ContainingTypeModel("class", containing) };
        Assert.Equal(expected, ContractEmitter.GetHintName(Contract(new[] { Method("Ping", ReturnKind.Task) }, ns, name, types)));
    }

    /// <summary>Emits <paramref name="model"/>, compiles it with <paramref name="userSource"/> and returns the emitted text.</summary>
    private static string EmitAndCompile(ContractModel model, string userSource)
    {
        var text = ContractEmitter.Emit(model);
        GeneratorHarness.CompileWithoutContractGen(userSource, text);
        return text;
    }

    /// <summary>The line of an arguments codec's <c>Read</c> that reads <paramref name="parameter"/>.</summary>
    private static string ReadLine(string text, string parameter)
        => Assert.Single(text.Split('\n'), l => l.TrimStart().StartsWith($"var {parameter} = ", StringComparison.Ordinal));
}

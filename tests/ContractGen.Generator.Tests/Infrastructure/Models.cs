using System.Collections.Generic;
using System.Linq;
using ContractGen.CodeAnalysis;

namespace ContractGen.Generator.Tests.Infrastructure;

/// <summary>Hand-built models for emitter tests: the shapes the parser produces, without a compilation.</summary>
internal static class Models
{
    public static readonly WireTypeModel Int = new("int", WireKind.Unmanaged, IsNullable: false, IsValueType: true);
    public static readonly WireTypeModel Long = new("long", WireKind.Unmanaged, IsNullable: false, IsValueType: true);
    public static readonly WireTypeModel Bool = new("bool", WireKind.Boolean, IsNullable: false, IsValueType: true);
    public static readonly WireTypeModel Str = new("string", WireKind.String, IsNullable: false);
    public static readonly WireTypeModel NullableStr = new("string?", WireKind.String, IsNullable: true);
    public static readonly WireTypeModel Bytes = new("byte[]", WireKind.ByteArray, IsNullable: false);
    public static readonly WireTypeModel NullableBytes = new("byte[]?", WireKind.ByteArray, IsNullable: true);
    public static readonly WireTypeModel Memory = new("global::System.ReadOnlyMemory<byte>", WireKind.ByteMemory, IsNullable: false, IsValueType: true);
    public static readonly WireTypeModel IntList = new("global::System.Collections.Generic.List<int>", WireKind.Formatted, IsNullable: false);
    public static readonly WireTypeModel NullableIntList = new("global::System.Collections.Generic.List<int>?", WireKind.Formatted, IsNullable: true);
    public static readonly WireTypeModel NullableInt = new("int?", WireKind.Formatted, IsNullable: true, IsValueType: true);

    public static WireTypeModel Packable(string typeName, bool nullable = false, bool valueType = false)
        => new(typeName + (nullable ? "?" : ""), WireKind.Packable, nullable, valueType);

    public static ParameterModel Parameter(string name, WireTypeModel type) => new(name, type);

    /// <summary>
    /// A method as the parser would describe it; the id is computed from the signature like the parser's. An empty
    /// <paramref name="declaringInterface"/> becomes the contract's own interface in <see cref="Contract"/>.
    /// </summary>
    public static MethodModel Method(
        string name,
        ReturnKind returnKind,
        WireTypeModel? result = null,
        IEnumerable<ParameterModel>? parameters = null,
        string declaringInterface = "",
        string? memberName = null,
        string? cancellationToken = null)
    {
        var list = (parameters ?? Enumerable.Empty<ParameterModel>()).ToList();
        var signature = $"{name}({string.Join(",", list.Select(p => p.Type.TypeName))}):{result?.TypeName ?? "void"}";
        var returnType = returnKind switch
        {
            ReturnKind.Task => "global::System.Threading.Tasks.Task",
            ReturnKind.ValueTask => "global::System.Threading.Tasks.ValueTask",
            ReturnKind.TaskOfT => $"global::System.Threading.Tasks.Task<{result!.TypeName}>",
            _ => $"global::System.Threading.Tasks.ValueTask<{result!.TypeName}>",
        };
        return new MethodModel(name, memberName ?? name, declaringInterface, Fnv.Hash32(signature), signature, returnKind, returnType,
            result, new EquatableArray<ParameterModel>(list), cancellationToken, EquatableArray<CallerRuleModel>.Empty);
    }

    public static ContractModel Contract(
        IEnumerable<MethodModel> methods,
        string ns = "Tests",
        string interfaceName = "IFoo",
        IEnumerable<ContainingTypeModel>? containingTypes = null,
        string? wireName = null,
        IEnumerable<FormatterRegistration>? registrations = null)
    {
        var containing = (containingTypes ?? Enumerable.Empty<ContainingTypeModel>()).ToList();
        var qualified = string.Join(".", new[] { ns }.Concat(containing.Select(c => c.Name)).Append(interfaceName).Where(p => p.Length > 0));
        var methodList = methods.Select(m => m.DeclaringInterface.Length > 0 ? m : m with { DeclaringInterface = "global::" + qualified }).ToList();
        var wire = wireName ?? "tests." + interfaceName.ToLowerInvariant();
        return new ContractModel(
            ns,
            new EquatableArray<ContainingTypeModel>(containing),
            interfaceName,
            "global::" + qualified,
            interfaceName.Substring(1),
            "public",
            wire,
            Context: 0,
            ContractParser.ComputeFingerprint(wire, methodList),
            new EquatableArray<MethodModel>(methodList),
            new EquatableArray<FormatterRegistration>(registrations ?? Enumerable.Empty<FormatterRegistration>()));
    }
}

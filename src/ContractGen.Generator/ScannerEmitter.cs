using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ContractGen.CodeAnalysis;

namespace ContractGen.Generator;

/// <summary>
/// Emits the scan that runs over a payload before MemoryPack decodes it: a <c>WireScanner</c> walk of every argument
/// or the result, and one scan method per <c>[MemoryPackable]</c> object or union the contract transfers. MemoryPack's
/// reader then only sees bytes whose every length ContractGen's own checked code has proven (docs/architecture.md).
/// </summary>
internal static class ScannerEmitter
{
    private const string Scanner = "global::ContractGen.Protocol.WireScanner";
    private const string SizeOf = "global::System.Runtime.CompilerServices.Unsafe.SizeOf";

    /// <summary>The file-local class that holds the contract's definition scans.</summary>
    public static string ClassName(ContractModel model) => $"__{model.BaseName}_Wire";

    /// <summary>
    /// Whether a codec of <paramref name="values"/> scans: some value goes through MemoryPack's reader, and every
    /// layout is proven. A layout that is not (CGEN3008, an error in System and User contracts) leaves the codec unscanned.
    /// </summary>
    public static bool Scans(ContractModel model, IEnumerable<WireTypeModel> values)
    {
        var shapes = values.Select(v => v.Shape).ToList();
        return shapes.All(s => s is not null) && shapes.Any(s => s!.NeedsScan) && shapes.All(s => IsProven(model, s!));
    }

    /// <summary>Whether a codec of <paramref name="values"/> would need a scan but cannot have one (its comment says so).</summary>
    public static bool IsUnscannable(ContractModel model, IEnumerable<WireTypeModel> values)
        => values.Any(v => v.Shape is { NeedsScan: true }) && !Scans(model, values);

    /// <summary>Emits the codec's <c>Scan</c> method: every value in order, then nothing left over.</summary>
    public static void EmitCodecScan(SourceWriter w, ContractModel model, IEnumerable<(string Path, WireTypeModel Type)> values)
    {
        w.Line("/// <summary>Proves the payload's structure (every length, string, header and tag) before MemoryPack decodes it.</summary>");
        w.Open($"public static void __Scan(global::System.ReadOnlySpan<byte> __bytes)");
        w.Line($"var __s = new {Scanner}(__bytes);");
        var counter = 0;
        foreach (var (path, type) in values)
        {
            EmitShape(w, model, type.Shape!, ref counter, path);
        }

        w.Line("__s.End();");
        w.Close();
    }

    /// <summary>Whether the contract has definitions a scanning codec reaches (the wire class is emitted then).</summary>
    public static bool HasDefinitions(ContractModel model) => ProvenDefinitions(model).Count > 0;

    /// <summary>Emits the file-local class of definition scans: one method per proven object or union.</summary>
    public static void EmitDefinitions(SourceWriter w, ContractModel model, string generatedCode)
    {
        var proven = ProvenDefinitions(model);
        w.Line($"/// <summary>Scans of the objects and unions <see cref=\"{model.InterfaceType}\"/> transfers, in MemoryPack's layout.</summary>");
        w.Line(generatedCode);
        w.Open($"file static class {ClassName(model)}");
        var first = true;
        foreach (var definition in model.Shapes.Where(d => proven.Contains(d.Id)))
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            w.Line($"/// <summary>{CSharp.XmlEscape(definition.TypeName)}{(definition.IsUnion ? ": a union header, then the case" : $": an object header, then its {definition.Members.Count} member(s), fewer from an older peer")}.</summary>");
            w.Open($"public static void {definition.Id}(ref {Scanner} __s)");
            if (definition.IsUnion)
            {
                w.Open("if (!__s.TryUnion(out var __tag))");
                w.Line("return;");
                w.Close();
                w.Line();
                w.Line("__s.Enter();");
                w.Open("switch (__tag)");
                foreach (var unionCase in definition.Cases)
                {
                    w.Line($"case {unionCase.Tag.ToString(CultureInfo.InvariantCulture)}: {unionCase.Ref}(ref __s); break;");
                }

                w.Line($"default: throw {Scanner}.UnknownUnionTag(__tag, {CSharp.Literal(definition.TypeName)});");
                w.Close();
            }
            else
            {
                w.Open($"if (!__s.TryObject({definition.Members.Count.ToString(CultureInfo.InvariantCulture)}, out var __members))");
                w.Line("return;");
                w.Close();
                w.Line();
                w.Line("__s.Enter();");
                for (var i = 0; i < definition.Members.Count; i++)
                {
                    // An older peer may send fewer members (the rest default); never more.
                    w.Open($"if (__members > {i.ToString(CultureInfo.InvariantCulture)})");
                    var counter = 0;
                    EmitShape(w, model, definition.Members[i], ref counter, null);
                    w.Close();
                }
            }

            w.Line("__s.Exit();");
            w.Close();
        }

        w.Close();
    }

    private static void EmitShape(SourceWriter w, ContractModel model, ShapeModel shape, ref int counter, string? path)
    {
        // Each loop and count gets its own name: out variables in an if condition share the enclosing scope.
        var d = (counter++).ToString(CultureInfo.InvariantCulture);
        if (shape.ObsoleteWarnings.Length > 0)
        {
            // The statement sizes an obsolete type the contract still transfers; nothing else here names it.
            w.Line($"#pragma warning disable {shape.ObsoleteWarnings}");
        }

        switch (shape.Kind)
        {
            case ShapeKind.Fixed:
                w.Line($"__s.Fixed({SizeOf}<{shape.TypeName}>());");
                break;
            case ShapeKind.Boolean:
                w.Line("__s.Boolean();");
                break;
            case ShapeKind.RawNullable:
                w.Line($"__s.RawNullable({SizeOf}<{shape.TypeName}>());");
                break;
            case ShapeKind.NullableBoolean:
                w.Line("__s.NullableBoolean();");
                break;
            case ShapeKind.String:
                w.Line(shape.NonNull ? "__s.Utf8String(allowNull: false);" : "__s.Utf8String();");
                break;
            case ShapeKind.UnmanagedArray when path is not null && shape.MaxCount >= 0:
                w.Line($"var __n{d} = __s.UnmanagedArray({SizeOf}<{shape.TypeName}>());");
                EmitBound(w, shape, $"__n{d}", path, shape.TypeName == "byte" ? "bytes" : "elements");
                break;
            case ShapeKind.UnmanagedArray:
                w.Line($"__s.UnmanagedArray({SizeOf}<{shape.TypeName}>());");
                break;
            case ShapeKind.Collection or ShapeKind.Dictionary:
                var min = shape.Kind == ShapeKind.Dictionary
                    ? $"{MinSize(shape.Elements[0])} + {MinSize(shape.Elements[1])}"
                    : MinSize(shape.Elements[0]);
                w.Open($"if (__s.TryCollection(out var __n{d}, {min}))");
                if (path is not null && shape.MaxCount >= 0)
                {
                    EmitBound(w, shape, $"__n{d}", path, "elements");
                }

                w.Line("__s.Enter();");
                w.Open($"for (var __i{d} = 0; __i{d} < __n{d}; __i{d}++)");
                foreach (var element in shape.Elements)
                {
                    EmitShape(w, model, element, ref counter, null);
                }

                w.Close();
                w.Line("__s.Exit();");
                w.Close();
                break;
            case ShapeKind.Nullable:
                w.Open("if (__s.TryNullable())");
                EmitShape(w, model, shape.Elements[0], ref counter, null);
                w.Close();
                break;
            case ShapeKind.Definition:
                w.Line($"{ClassName(model)}.{shape.Ref}(ref __s);");
                break;
        }

        if (shape.ObsoleteWarnings.Length > 0)
        {
            w.Line($"#pragma warning restore {shape.ObsoleteWarnings}");
        }
    }

    // Over the bound the contract declares: the same typed failure the validator would report, before anything is decoded.
    private static void EmitBound(SourceWriter w, ShapeModel shape, string count, string path, string unit)
    {
        var max = shape.MaxCount.ToString(CultureInfo.InvariantCulture);
        w.Line($"if ({count} > {max}) throw new global::ContractGen.ArgumentValidationException({CSharp.Literal(path)}, {CSharp.Literal(shape.BoundRule)}, \"at most {max} {unit}\", $\"has {{{count}}} {unit}\");");
    }

    /// <summary>The fewest bytes one element of <paramref name="shape"/> takes: what a count is multiplied by before it is believed.</summary>
    private static string MinSize(ShapeModel shape) => shape.Kind switch
    {
        ShapeKind.Fixed or ShapeKind.RawNullable => $"{SizeOf}<{shape.TypeName}>()",
        ShapeKind.Boolean or ShapeKind.Nullable or ShapeKind.Definition => "1",
        ShapeKind.NullableBoolean => "2",
        _ => "4",
    };

    private static bool IsProven(ContractModel model, ShapeModel shape)
    {
        var proven = ProvenDefinitions(model);
        return Walk(shape).All(s => s.Kind != ShapeKind.Unproven && (s.Ref is null || proven.Contains(s.Ref)));
    }

    /// <summary>The definitions whose members, and every definition they reach, are proven (a greatest fixed point: types may recurse).</summary>
    private static HashSet<string> ProvenDefinitions(ContractModel model)
    {
        var proven = new HashSet<string>(model.Shapes.Select(d => d.Id), System.StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var definition in model.Shapes)
            {
                if (!proven.Contains(definition.Id))
                {
                    continue;
                }

                var ok = definition.Members.SelectMany(Walk).All(s => s.Kind != ShapeKind.Unproven && (s.Ref is null || proven.Contains(s.Ref)))
                         && definition.Cases.All(c => proven.Contains(c.Ref));
                if (!ok)
                {
                    proven.Remove(definition.Id);
                    changed = true;
                }
            }
        }
        while (changed);

        return proven;
    }

    private static IEnumerable<ShapeModel> Walk(ShapeModel shape)
        => new[] { shape }.Concat(shape.Elements.SelectMany(Walk));
}

using System.Globalization;
using System.Net;
using System.Text;

namespace Backprop.Explain.Steps;

/// <summary>
/// An equation in the articles' notation, kept as tokens so that it can be written as plain text
/// (L¹ = X·W¹ + B¹) for terminals and Markdown, and as MathML for the HTML report.
/// </summary>
public sealed class Equation
{
    private abstract record Token;
    /// <summary>A matrix name with its layer superscript, optionally transposed: (W²)ᵀ.</summary>
    private sealed record Symbol(string Name, int? Layer, bool Transposed) : Token;
    /// <summary>∂E/∂(symbol).</summary>
    private sealed record Gradient(Symbol Of) : Token;
    private sealed record Operator(string Text) : Token;
    /// <summary>An upright function name: σ, σ', colsum.</summary>
    private sealed record Function(string Name) : Token;

    private readonly List<Token> _tokens = [];

    /// <summary>Adds a symbol such as W¹ or (H¹)ᵀ.</summary>
    /// <param name="name">The letter.</param>
    /// <param name="layer">The layer superscript, or null.</param>
    /// <param name="transposed">Whether to write it transposed.</param>
    public Equation Sym(string name, int? layer = null, bool transposed = false) => Add(new Symbol(name, layer, transposed));
    /// <summary>Adds a gradient ∂E/∂name.</summary>
    /// <param name="name">The letter.</param>
    /// <param name="layer">The layer superscript, or null.</param>
    public Equation Grad(string name, int? layer = null) => Add(new Gradient(new Symbol(name, layer, false)));
    /// <summary>Adds an operator such as =, +, · or ∘.</summary>
    /// <param name="text">The operator.</param>
    public Equation Op(string text) => Add(new Operator(text));
    /// <summary>Adds a function name such as σ or σ′.</summary>
    /// <param name="name">The function.</param>
    public Equation Fn(string name) => Add(new Function(name));

    /// <summary>X for layer 0's output, H^(k−1) otherwise: the input of dense layer k.</summary>
    public Equation InputOf(int k, bool transposed = false) => k == 1 ? Sym("X", null, transposed) : Sym("H", k - 1, transposed);

    private Equation Add(Token t)
    {
        _tokens.Add(t);
        return this;
    }

    /// <summary>The equation as plain text.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var t in _tokens)
            {
                sb.Append(t switch
                {
                    Symbol s => SymbolText(s),
                    Gradient g => "∂E/∂" + SymbolText(g.Of),
                    Operator o => o.Text is "(" or ")" or "·" or "∘" ? o.Text : $" {o.Text} ",
                    Function f => f.Name,
                    _ => "",
                });
            }
            return sb.ToString().Replace("  ", " ", StringComparison.Ordinal).Trim();
        }
    }

    /// <summary>MathML for a display equation of its own; <see cref="InlineMathMl"/> for one inside a sentence.</summary>
    public string MathMl => ToMathMl("block");
    /// <summary>MathML for an equation inside a sentence.</summary>
    public string InlineMathMl => ToMathMl("inline");

    private string ToMathMl(string display)
    {
        var sb = new StringBuilder($"<math display=\"{display}\"><mrow>");
        foreach (var t in _tokens)
        {
            sb.Append(t switch
            {
                Symbol s => SymbolMathMl(s),
                Gradient g => $"<mfrac><mrow><mo>∂</mo><mi>E</mi></mrow><mrow><mo>∂</mo>{SymbolMathMl(g.Of)}</mrow></mfrac>",
                Operator o => $"<mo>{WebUtility.HtmlEncode(o.Text)}</mo>",
                Function f => $"<mi mathvariant=\"normal\">{WebUtility.HtmlEncode(f.Name)}</mi>",
                _ => "",
            });
        }
        return sb.Append("</mrow></math>").ToString();
    }

    private static string SymbolText(Symbol s)
    {
        string core = s.Name + (s.Layer is { } k ? Notation.Sup(k) : "");
        return s.Transposed ? (s.Layer is null ? core + "ᵀ" : $"({core})ᵀ") : core;
    }

    private static string SymbolMathMl(Symbol s)
    {
        string name = $"<mi>{WebUtility.HtmlEncode(s.Name)}</mi>";
        string core = s.Layer is { } k ? $"<msup>{name}<mn>{k.ToString(CultureInfo.InvariantCulture)}</mn></msup>" : name;
        if (!s.Transposed) return core;
        string based = s.Layer is null ? core : $"<mrow><mo>(</mo>{core}<mo>)</mo></mrow>";
        return $"<msup>{based}<mi mathvariant=\"normal\">T</mi></msup>";
    }

    /// <summary>The equation as plain text (<see cref="Text"/>).</summary>
    public override string ToString() => Text;
}

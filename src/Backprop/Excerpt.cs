using System.Text;

namespace Backprop;

/// <summary>
/// A short, printable excerpt of outside input for error messages: at most a few dozen characters,
/// control characters and invalid bytes escaped, so a binary file never pours raw bytes into a terminal.
/// </summary>
public static class Excerpt
{
    /// <summary>The start of <paramref name="text"/>, escaped (\n, \t, \u0000...) and cut with "…" after <paramref name="max"/> characters.</summary>
    public static string Of(string text, int max = 40)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\\' => "\\\\",
                '\uFFFD' => "\\uFFFD",
                _ when char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Bytes as (lossy) UTF-8, then escaped as <see cref="Of(string, int)"/> does.</summary>
    public static string Of(byte[] bytes, int max = 40) => Of(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, max * 4)), max);
}

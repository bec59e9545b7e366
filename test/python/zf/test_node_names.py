"""Resolving a zoo config's node names in our exported graph (issue 23.1)."""

from zf.node_names import resolve

GRAPH = ["/stem/stem.0/act/Mul_1", "/stages.0/attn/Div", "/stages.0/attn/Softmax", "/head/fc/Gemm"]


def test_exact_hb_mapper_derived_and_unresolved_names_with_the_nearest_candidates():
    rows = resolve(["/stages.0/attn/Softmax", "/stages.0/attn/Div_mul", "/patch_embed/patch_embed.0/act/Mul_1"], GRAPH)
    assert [(r["status"], r["node"]) for r in rows] == [
        ("exact", "/stages.0/attn/Softmax"),
        ("hb_mapper", "/stages.0/attn/Div"),  # hb_mapper rewrote the Div into a Mul named after it
        ("unresolved", None),
    ]
    assert rows[2]["nearest"][0] == "/stem/stem.0/act/Mul_1"


def test_a_suffix_is_only_hb_mappers_when_the_node_before_it_exists_and_it_is_a_word():
    assert resolve(["/stages.0/attn/Exp_mul"], GRAPH)[0]["status"] == "unresolved"
    # the exporter's numbering: the zoo's second Mul is not a node hb_mapper made from our first
    assert resolve(["/stem/stem.0/act/Mul_1_2"], GRAPH)[0]["status"] == "unresolved"
    assert resolve(["/stages.0/attn/Softmax_1"], GRAPH)[0]["status"] == "unresolved"


def test_quantize_settings_take_our_names_and_say_what_changed():
    from zf.node_names import resolved_settings

    int16 = {"ON": "BPU", "InputType": "int16", "OutputType": "int16"}
    q = {
        "node_info": {"/stages.0/attn/Softmax": int16, "/stages.0/attn/Div_mul": int16, "/gone/Conv": int16},
        "run_on_cpu": ["/head/fc/Gemm", "/gone/Gemm"],
        "emulate": "bpu",
    }
    got, warnings = resolved_settings(q, GRAPH)
    assert got["node_info"] == {"/stages.0/attn/Softmax": int16, "/stages.0/attn/Div": int16}
    assert got["run_on_cpu"] == ["/head/fc/Gemm"] and got["emulate"] == "bpu"
    assert warnings[0].startswith("node_info names /stages.0/attn/Div_mul: hb_mapper's name for the node it makes")
    assert "node_info names /gone/Conv, which is not a node of the exported model" in warnings[1]
    assert warnings[2].startswith("run_on_cpu names /gone/Gemm, which is not a node")

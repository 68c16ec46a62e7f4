extension DashboardPage {
    /// The dashboard's stylesheet, served at `/ui/app.css`.
    static let style = #"""
        :root {
          --bg: #f6f7f9; --fg: #1d2330; --muted: #667085; --line: #d9dde5; --card: #fff;
          --free: #3fb37f; --busy: #e8a33d; --full: #d9622b; --drained: #8e7cc3; --down: #c9353f; --spare: #4a90d9;
          --pending: #8a94a6;
        }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg);
          color: var(--fg); }
        header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #1d2330; color: #fff; }
        header .brand { font-weight: 700; font-size: 18px; letter-spacing: .5px; }
        header nav { display: flex; gap: 4px; }
        header nav a { color: #c9d1e0; text-decoration: none; padding: 6px 12px; border-radius: 6px; }
        header nav a.active, header nav a:hover { background: #34405a; color: #fff; }
        #status { margin-left: auto; color: #9aa6bd; font-size: 12px; }
        header button { background: transparent; color: #c9d1e0; border: 1px solid #4a5670; border-radius: 6px;
          padding: 4px 10px; cursor: pointer; }
        main { padding: 20px 24px; max-width: 1400px; }
        h1 { font-size: 20px; margin: 0 0 12px; }
        h2 { font-size: 16px; margin: 20px 0 8px; }
        h3 { font-size: 14px; margin: 0 0 6px; }
        a { color: #2660c4; }
        code { background: #eceff4; padding: 1px 4px; border-radius: 4px; }
        .muted { color: var(--muted); }
        .error { color: var(--down); }
        #login { max-width: 480px; margin: 60px auto; background: var(--card); padding: 24px; border-radius: 10px;
          border: 1px solid var(--line); }
        #login label { display: block; font-weight: 600; margin: 12px 0 4px; }
        #login input { width: 100%; padding: 8px; font: inherit; border: 1px solid var(--line); border-radius: 6px; }
        #login button { margin-top: 12px; padding: 8px 18px; font: inherit; background: #2660c4; color: #fff; border: 0;
          border-radius: 6px; cursor: pointer; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
        .stat { min-width: 150px; }
        .stat .value { font-size: 24px; font-weight: 700; }
        .stat .label { color: var(--muted); font-size: 12px; }
        .legend { display: flex; gap: 14px; flex-wrap: wrap; margin: 8px 0 14px; font-size: 12px; }
        .legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; border-radius: 3px;
          margin-right: 5px; vertical-align: -2px; background: var(--c); }
        .spine { margin-bottom: 18px; }
        .blocks { display: flex; flex-wrap: wrap; gap: 12px; }
        .block { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px; min-width: 200px; }
        .block h3 span { font-weight: 400; color: var(--muted); }
        .nodes { display: grid; grid-template-columns: repeat(auto-fill, 92px); gap: 6px; }
        .node { display: block; border-radius: 6px; padding: 5px 6px; color: #fff; text-decoration: none; font-size: 11px;
          background: var(--free); min-height: 46px; }
        .node.busy { background: var(--busy); }
        .node.full { background: var(--full); }
        .node.drained { background: var(--drained); }
        .node.down { background: var(--down); }
        .node.spare { background: var(--spare); }
        .leaves { display: grid; grid-template-columns: repeat(auto-fill, 112px); gap: 6px; }
        .leaf { display: block; border-radius: 6px; padding: 5px 6px; color: #fff; text-decoration: none; font-size: 11px;
          background: var(--free); }
        .leaf.busy { background: var(--busy); }
        .leaf.full { background: var(--full); }
        .leaf.drained { background: var(--drained); }
        .leaf.down { background: var(--down); }
        .leaf span { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .leaf .name { font-weight: 700; }
        .leaf .bar { margin: 3px 0; height: 5px; width: auto; border-radius: 3px; background: rgba(255, 255, 255, 0.35); }
        .leaf .bar b { background: #fff; }
        .node .name { font-weight: 700; display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .gpus { display: flex; gap: 2px; margin: 3px 0 2px; }
        .gpus i { flex: 1; height: 6px; border-radius: 1px; background: rgba(255, 255, 255, .45); }
        .gpus i.used { background: rgba(20, 20, 40, .55); }
        table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line);
          border-radius: 10px; overflow: hidden; }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f6; font-size: 12px; color: #475067; font-weight: 600; }
        tr:last-child td { border-bottom: 0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff;
          background: var(--pending); }
        .badge.running { background: var(--busy); }
        .badge.completed, .badge.ready { background: var(--free); }
        .badge.failed, .badge.down { background: var(--down); }
        .badge.cancelled, .badge.preempted, .badge.stopped { background: var(--drained); }
        .why { color: #5b4a1c; }
        .bar { position: relative; height: 14px; width: 180px; background: #eceff4; border-radius: 7px; overflow: hidden; }
        .bar b { position: absolute; top: 0; bottom: 0; left: 0; background: var(--free); }
        .bar b.over { background: var(--full); }
        .bar u { position: absolute; top: -2px; bottom: -2px; width: 2px; background: #1d2330; }
        dl.facts { display: grid; grid-template-columns: 160px 1fr 160px 1fr; gap: 6px 14px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        pre.log { background: #11151f; color: #d7dde8; padding: 12px; border-radius: 8px; max-height: 420px; overflow: auto;
          font-size: 12px; white-space: pre-wrap; }
        .actions { margin: 0 0 12px; display: flex; gap: 8px; align-items: center; }
        .actions button { font: inherit; font-size: 13px; padding: 4px 12px; border: 1px solid var(--line);
          border-radius: 6px; background: var(--card); cursor: pointer; }
        .actions button.danger { color: var(--down); border-color: var(--down); }
        .actions button.armed { background: var(--down); color: #fff; }
        .actions input[type=text] { font: inherit; font-size: 13px; padding: 4px 8px; border: 1px solid var(--line);
          border-radius: 6px; }
        .actions label { font-size: 13px; }
        .ranks button { font: inherit; font-size: 12px; margin-right: 4px; padding: 2px 8px; border: 1px solid var(--line);
          background: var(--card); border-radius: 5px; cursor: pointer; }
        .ranks button.active { background: #2660c4; color: #fff; border-color: #2660c4; }
        svg.chart { background: var(--card); border: 1px solid var(--line); border-radius: 10px; width: 100%;
          max-width: 1100px; height: auto; }
        svg.chart text { font-size: 11px; fill: var(--muted); }
        svg.chart .grid { stroke: #e6e9ef; }
        svg.chart .total { stroke: #1d2330; stroke-width: 1.5; fill: none; stroke-dasharray: 5 4; }
        svg.chart .busy { stroke: var(--full); stroke-width: 2; fill: none; }
        svg.chart .busy-area { fill: rgba(217, 98, 43, .15); stroke: none; }
        svg.chart .running { stroke: var(--busy); stroke-width: 2; fill: none; }
        svg.chart .pending { stroke: var(--spare); stroke-width: 2; fill: none; }
        .service { margin-bottom: 14px; }
        .service h2 { margin-top: 0; }
        """#
}

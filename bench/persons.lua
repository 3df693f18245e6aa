-- wrk script for the persons benchmark: each request picks one of the
-- pages a worker uses all day. Set by bench/persons.sh through env:
--   LIEN_COOKIE  the session cookie
--   LIEN_MODE    "search", "file", "entry" or "mixed" (the load test)
--   LIEN_CSRF    the session's CSRF token (entry mode)
--   LIEN_MAXID   the highest person id
local cookie = os.getenv("LIEN_COOKIE")
local mode = os.getenv("LIEN_MODE")
local csrf = os.getenv("LIEN_CSRF") or ""
local maxid = tonumber(os.getenv("LIEN_MAXID") or "1000")
local names = { "dup", "lef", "martin", "bena", "diallo", "marchand", "le gall", "fontaine", "dos s",
	"gu\195\169rin", "zo\195\169", "fran\195\167ois", "marie lef", "jean dup", "nguyen", "no\195\171l" }
local function urlencode(s)
	return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
math.randomseed(os.time())
request = function()
	local headers = { ["Cookie"] = cookie }
	local m = mode
	if m == "mixed" then
		-- What a team does in a day: mostly reading, some writing.
		local r = math.random(100)
		m = r <= 40 and "search" or r <= 80 and "file" or r <= 90 and "home" or "entry"
	end
	if m == "home" then
		return wrk.format("GET", "/", headers)
	elseif m == "search" then
		local q = names[math.random(#names)]
		return wrk.format("GET", "/personnes?q=" .. urlencode(q), headers)
	elseif m == "file" then
		return wrk.format("GET", "/personnes/" .. math.random(maxid), headers)
	else
		headers["Content-Type"] = "application/x-www-form-urlencoded"
		local body = "csrf=" .. csrf .. "&medium=telephone&kind=entretien&duration=10&theme_numerique=1"
			.. "&summary=" .. urlencode("Appel de suivi : point sur le dossier CAF.")
		return wrk.format("POST", "/personnes/" .. math.random(maxid) .. "/journal", headers, body)
	end
end
-- Server-side time of each response, from the Server-Timing header. Each
-- wrk thread has its own Lua state: done() collects them through setup().
local threads = {}
setup = function(thread)
	threads[#threads + 1] = thread
end
times = {}
response = function(status, headers, body)
	for k, v in pairs(headers) do
		if k:lower() == "server-timing" then
			local d = tonumber(v:match("dur=([%d%.]+)"))
			if d then times[#times + 1] = d end
		end
	end
end
done = function(summary, latency, requests)
	local all = {}
	for _, t in ipairs(threads) do
		for _, d in ipairs(t:get("times") or {}) do all[#all + 1] = d end
	end
	table.sort(all)
	local function pct(p) return all[math.max(1, math.ceil(#all * p))] or 0 end
	io.write(string.format("server-side ms: n=%d p50=%.3f p99=%.3f max=%.3f\n", #all, pct(0.5), pct(0.99), pct(1.0)))
	io.write(string.format("client latency ms: p50=%.3f p99=%.3f, errors=%d, non-2xx/3xx=%d\n",
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.errors.status))
end

// A widget from a vendor the policy does not list.
document.getElementById('weather').textContent = '晴れ / Sunny';

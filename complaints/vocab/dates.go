package vocab

import (
	"strconv"
	"time"
)

var (
	monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthsCY = [...]string{"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}
	daysEN   = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	daysCY   = [...]string{"Dydd Sul", "Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn"}
)

// FormatDate writes a date as each language does in running text:
// "4 July 2024", "4 Gorffennaf 2024".
func FormatDate(t time.Time, lang string) string {
	months := monthsEN
	if lang == "cy" {
		months = monthsCY
	}
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// FormatDay is FormatDate with the day of the week in front:
// "Thursday 4 July 2024", "Dydd Iau 4 Gorffennaf 2024".
func FormatDay(t time.Time, lang string) string {
	days := daysEN
	if lang == "cy" {
		days = daysCY
	}
	return days[t.Weekday()] + " " + FormatDate(t, lang)
}
